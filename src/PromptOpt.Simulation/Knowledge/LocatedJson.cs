using System.Globalization;
using System.Text;
using System.Text.Json;
using PromptOpt.Data;

namespace PromptOpt.Simulation.Knowledge;

/// <summary>
/// A parsed JSON document that remembers the line of every value, so a data file (catalogue, knowledge file) that is
/// well-formed JSON but not what was expected gets a one-line error naming the file, the line and what was expected
/// (<see cref="DataFormatException"/>), never a stack trace.
/// </summary>
internal sealed class LocatedJson
{
    private readonly Dictionary<string, int> _lines;

    private LocatedJson(string file, JsonElement root, Dictionary<string, int> lines)
    {
        File = file;
        Root = root;
        _lines = lines;
    }

    public string File { get; }

    public JsonElement Root { get; }

    /// <summary>Parses <paramref name="text"/>; malformed JSON is a <see cref="DataFormatException"/> at its line.</summary>
    public static LocatedJson Parse(string text, string file)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new DataFormatException(file, (int)(e.LineNumber ?? 0) + 1, "well-formed JSON (" + FirstSentence(e.Message) + ")", e);
        }

        return new LocatedJson(file, document.RootElement.Clone(), LineIndex(bytes));
    }

    /// <summary>The 1-based line of the value at <paramref name="path"/> (e.g. <c>$.skills[2].descriptions</c>), or of its nearest located parent.</summary>
    public int LineOf(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out var line))
            {
                return line;
            }
        }

        return 1;
    }

    /// <summary>An error at the value at <paramref name="path"/>.</summary>
    public DataFormatException Error(string path, string expected) => new(File, LineOf(path), expected + " at " + path);

    public JsonElement Required(JsonElement obj, string path, string name, JsonValueKind kind)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, "an object");
        }

        if (!obj.TryGetProperty(name, out var value))
        {
            throw Error(path, $"a property \"{name}\"");
        }

        if (value.ValueKind != kind && !(kind == JsonValueKind.True && value.ValueKind == JsonValueKind.False))
        {
            throw Error(path + "." + name, $"{Describe(kind)} for \"{name}\"");
        }

        return value;
    }

    public JsonElement? Optional(JsonElement obj, string path, string name, JsonValueKind kind)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == kind ? value : throw Error(path + "." + name, $"{Describe(kind)} for \"{name}\"");
    }

    public string String(JsonElement obj, string path, string name) =>
        Required(obj, path, name, JsonValueKind.String).GetString() is { Length: > 0 } s ? s : throw Error(path + "." + name, $"a non-empty string for \"{name}\"");

    public IReadOnlyList<string> Strings(JsonElement obj, string path, string name, int min, int max)
    {
        var array = Required(obj, path, name, JsonValueKind.Array);
        var list = new List<string>();
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                throw Error($"{path}.{name}[{i}]", "a non-empty string");
            }

            list.Add(item.GetString()!.Trim());
            i++;
        }

        return list.Count >= min && list.Count <= max
            ? list
            : throw Error(path + "." + name, string.Create(CultureInfo.InvariantCulture, $"{min} to {max} entries in \"{name}\" (found {list.Count})"));
    }

    public void NoOtherProperties(JsonElement obj, string path, params string[] allowed)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
            {
                throw Error(path + "." + p.Name, "one of the properties " + string.Join(", ", allowed.Select(a => "\"" + a + "\"")) + $" (not \"{p.Name}\")");
            }
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => kind.ToString(),
    };

    private static string Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? string.Empty : path[..cut];
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }

    /// <summary>Walks the tokens once and records the line of every value by its path.</summary>
    private static Dictionary<string, int> LineIndex(byte[] bytes)
    {
        var lineStarts = new List<long> { 0 };
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        int Line(long offset)
        {
            int found = lineStarts.BinarySearch(offset);
            return (found >= 0 ? found : ~found - 1) + 1;
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var stack = new Stack<(string Path, bool IsArray, int Index)>();
        string? property = null;
        string current = "$";
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    continue;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    continue;
            }

            if (stack.Count > 0)
            {
                var (parent, isArray, index) = stack.Pop();
                current = isArray ? string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]") : parent + "." + property;
                stack.Push((parent, isArray, isArray ? index + 1 : index));
            }

            lines.TryAdd(current, Line(reader.TokenStartIndex));
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                stack.Push((current, reader.TokenType == JsonTokenType.StartArray, 0));
            }
        }

        return lines;
    }
}
