using System.Globalization;
using System.Text.Json;

namespace PromptOpt.Data;

/// <summary>
/// Loads datasets in the shared JSONL schema (see <c>datasets/README.md</c>): one JSON object per line with the string
/// fields <c>id</c>, <c>input</c> and <c>target</c>, an optional array of strings <c>choices</c> (which must contain
/// <c>target</c>) and an optional object <c>meta</c>. Blank lines are skipped; a UTF-8 byte-order mark is allowed.
/// </summary>
/// <remarks>
/// <para>A dataset is either a directory holding <c>train.jsonl</c> and <c>test.jsonl</c> (and optionally
/// <c>dev.jsonl</c>), or a single <c>.jsonl</c> file that is split into train and test by a seeded shuffle
/// (<see cref="JsonlLoadOptions.TestFraction"/>, 50/50 by default; each split keeps the file's order).</para>
/// <para>Every problem is a <see cref="DataFormatException"/> whose one-line message names the file and line:
/// invalid JSON, a line that is not an object, a missing or empty required field, a field of the wrong type, an
/// unknown field (unless <see cref="JsonlLoadOptions.IgnoreUnknownFields"/>), a target that is not among the
/// choices, an empty file, an id used twice (within a split or across splits), a missing file, or a directory
/// without <c>train.jsonl</c>/<c>test.jsonl</c>.</para>
/// </remarks>
public static class JsonlDatasetLoader
{
    /// <summary>The training split's file name in a dataset directory.</summary>
    public const string TrainFile = "train.jsonl";

    /// <summary>The development split's file name in a dataset directory (optional).</summary>
    public const string DevFile = "dev.jsonl";

    /// <summary>The test split's file name in a dataset directory.</summary>
    public const string TestFile = "test.jsonl";

    private static readonly string[] KnownFields = ["id", "input", "target", "choices", "meta"];

    // Split names a single file's stem may be or end with (FileTaskName).
    private static readonly string[] SplitNames = ["train", "dev", "test", "validation", "valid", "val"];

    /// <summary>Loads a dataset directory or a single <c>.jsonl</c> file.</summary>
    /// <param name="path">A directory with <c>train.jsonl</c> and <c>test.jsonl</c>, or one <c>.jsonl</c> file.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DataFormatException">The path does not exist or the data is malformed.</exception>
    public static Dataset Load(string path, JsonlLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return LoadDirectory(path, options);
        }

        if (File.Exists(path))
        {
            return LoadFile(path, options);
        }

        throw new DataFormatException(path, null, "file or directory not found");
    }

    /// <summary>Loads a dataset directory holding <c>train.jsonl</c>, <c>test.jsonl</c> and optionally <c>dev.jsonl</c>.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <returns>The dataset, named after the directory unless <see cref="JsonlLoadOptions.Name"/> is set.</returns>
    /// <exception cref="DataFormatException">The directory or a split file is missing, or the data is malformed.</exception>
    public static Dataset LoadDirectory(string directory, JsonlLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new JsonlLoadOptions();
        if (!Directory.Exists(directory))
        {
            throw new DataFormatException(directory, null, "directory not found");
        }

        var trainPath = Path.Combine(directory, TrainFile);
        var testPath = Path.Combine(directory, TestFile);
        var devPath = Path.Combine(directory, DevFile);
        var missing = new[] { TrainFile, TestFile }.Where(f => !File.Exists(Path.Combine(directory, f))).ToList();
        if (missing.Count > 0)
        {
            throw new DataFormatException(directory, null,
                $"expected a dataset directory with {TrainFile} and {TestFile} (and optionally {DevFile}), but {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} missing");
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var train = ReadFile(trainPath, options, seen);
        var dev = File.Exists(devPath) ? ReadFile(devPath, options, seen) : [];
        var test = ReadFile(testPath, options, seen);
        return new Dataset(options.Name ?? DirectoryName(directory), train, dev, test);
    }

    /// <summary>
    /// Loads one <c>.jsonl</c> file and splits it into train and test by a seeded shuffle: the examples are ordered by a
    /// hash of (<see cref="JsonlLoadOptions.Seed"/>, id), the first <c>round(n · TestFraction)</c> (at least 1, at most
    /// n − 1) form the test split, the rest the train split, and both keep the file's order. The dev split is empty.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <returns>The dataset, named by <see cref="FileTaskName"/> unless <see cref="JsonlLoadOptions.Name"/> is set.</returns>
    /// <exception cref="DataFormatException">The file is missing, malformed, or has fewer than two examples.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="JsonlLoadOptions.TestFraction"/> is not strictly between 0 and 1.</exception>
    public static Dataset LoadFile(string file, JsonlLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        options ??= new JsonlLoadOptions();
        if (options.TestFraction is not (> 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TestFraction, "TestFraction must be strictly between 0 and 1.");
        }

        if (!File.Exists(file))
        {
            throw new DataFormatException(file, null, "file not found");
        }

        var all = ReadFile(file, options, new Dictionary<string, string>(StringComparer.Ordinal));
        if (all.Count < 2)
        {
            throw new DataFormatException(file, 1, "expected at least 2 examples to split into train and test, found 1");
        }

        int testCount = Math.Clamp((int)Math.Round(all.Count * options.TestFraction, MidpointRounding.AwayFromZero), 1, all.Count - 1);

        // A seeded shuffle by hash of (seed, id): independent of the file order and of .NET's Random algorithm.
        var testIds = all
            .Select((e, i) => (e.Id, Key: StableHash.Hash("jsonl-split", options.Seed, e.Id), i))
            .OrderBy(t => t.Key)
            .ThenBy(t => t.i)
            .Take(testCount)
            .Select(t => t.Id)
            .ToHashSet(StringComparer.Ordinal);
        var train = all.Where(e => !testIds.Contains(e.Id)).ToList();
        var test = all.Where(e => testIds.Contains(e.Id)).ToList();
        return new Dataset(options.Name ?? FileTaskName(file), train, [], test);
    }

    /// <summary>Reads the examples of one JSONL file, in file order.</summary>
    /// <param name="file">The file.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <returns>The examples.</returns>
    /// <exception cref="DataFormatException">The file is missing or malformed.</exception>
    public static IReadOnlyList<Example> ReadExamples(string file, JsonlLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!File.Exists(file))
        {
            throw new DataFormatException(file, null, "file not found");
        }

        return ReadFile(file, options ?? new JsonlLoadOptions(), new Dictionary<string, string>(StringComparer.Ordinal));
    }

    /// <summary>Reads one file; <paramref name="seenIds"/> maps ids already read (in any split) to their location.</summary>
    private static List<Example> ReadFile(string file, JsonlLoadOptions options, Dictionary<string, string> seenIds)
    {
        var examples = new List<Example>();
        try
        {
            foreach (var (lineNumber, line) in ReadUtf8Lines(file))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var example = ParseLine(file, lineNumber, line, options);
                var here = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}:{lineNumber}");
                if (!seenIds.TryAdd(example.Id, here))
                {
                    throw new DataFormatException(file, lineNumber, $"expected a unique \"id\", but \"{Shorten(example.Id)}\" was already used at {seenIds[example.Id]}");
                }

                examples.Add(example);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(file, null, $"cannot be read ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }

        if (examples.Count == 0)
        {
            throw new DataFormatException(file, 1, "expected one JSON object per line, found an empty file");
        }

        return examples;
    }

    /// <summary>
    /// Reads the lines of a UTF-8 file strictly: invalid UTF-8 is an error naming the line and the byte offset in the file
    /// (a lenient reader would silently turn it into U+FFFD and score the model on damaged text). A leading BOM is skipped;
    /// lines end with LF or CRLF.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <returns>The 1-based line numbers and texts.</returns>
    /// <exception cref="DataFormatException">The file holds bytes that are not UTF-8.</exception>
    internal static IEnumerable<(int LineNumber, string Text)> ReadUtf8Lines(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var strict = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        int lineNumber = 0;
        while (start < bytes.Length)
        {
            int length = Array.IndexOf(bytes, (byte)'\n', start) is var nl and >= 0 ? nl - start : bytes.Length - start;
            int next = start + length + 1;
            if (length > 0 && bytes[start + length - 1] == (byte)'\r')
            {
                length--;
            }

            lineNumber++;
            string text;
            try
            {
                text = strict.GetString(bytes, start, length);
            }
            catch (System.Text.DecoderFallbackException ex)
            {
                long offset = start + Math.Max(0, ex.Index);
                var bad = offset < bytes.Length ? string.Create(CultureInfo.InvariantCulture, $" (0x{bytes[offset]:X2})") : string.Empty;
                throw new DataFormatException(file, lineNumber,
                    string.Create(CultureInfo.InvariantCulture, $"expected UTF-8 text, found an invalid byte{bad} at byte offset {offset} of the file (column {offset - start + 1}); save the file as UTF-8"),
                    ex);
            }

            yield return (lineNumber, text);
            start = next;
        }
    }

    private static Example ParseLine(string file, int lineNumber, string line, JsonlLoadOptions options)
    {
        DataFormatException Error(string what) => new(file, lineNumber, what);

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            var column = ex.BytePositionInLine is { } b ? string.Create(CultureInfo.InvariantCulture, $" at column {b + 1}") : string.Empty;
            throw new DataFormatException(file, lineNumber, $"expected one JSON object per line, found invalid JSON{column}", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error($"expected a JSON object, found {Kind(root.ValueKind)}");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Error($"expected each field once, found \"{Shorten(property.Name)}\" twice");
                }

                if (!options.IgnoreUnknownFields && Array.IndexOf(KnownFields, property.Name) < 0)
                {
                    throw Error($"unexpected field \"{Shorten(property.Name)}\" (expected only id, input, target, choices, meta; put anything else in meta)");
                }
            }

            string id = RequiredString(root, "id", Error);
            string input = RequiredString(root, "input", Error);
            string target = RequiredString(root, "target", Error);
            var choices = ReadChoices(root, Error);
            if (choices is not null && !choices.Contains(target, StringComparer.Ordinal))
            {
                throw Error($"expected \"target\" to be one of the choices [{Shorten(string.Join(", ", choices))}], found \"{Shorten(target)}\"");
            }

            IReadOnlyDictionary<string, JsonElement>? meta = null;
            if (root.TryGetProperty("meta", out var metaElement) && metaElement.ValueKind != JsonValueKind.Null)
            {
                if (metaElement.ValueKind != JsonValueKind.Object)
                {
                    throw Error($"expected \"meta\" to be an object, found {Kind(metaElement.ValueKind)}");
                }

                meta = metaElement.EnumerateObject()
                    .GroupBy(p => p.Name, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Last().Value.Clone(), StringComparer.Ordinal);
            }

            return new Example(id, input, target, choices, meta);
        }
    }

    private static string RequiredString(JsonElement root, string name, Func<string, DataFormatException> error)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw error($"expected the required field \"{name}\" (a non-empty string), but it is missing");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw error($"expected \"{name}\" to be a string, found {Kind(value.ValueKind)}");
        }

        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw error($"expected \"{name}\" to be a non-empty string, found an empty one");
        }

        return text;
    }

    private static List<string>? ReadChoices(JsonElement root, Func<string, DataFormatException> error)
    {
        if (!root.TryGetProperty("choices", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw error($"expected \"choices\" to be an array of strings, found {Kind(value.ValueKind)}");
        }

        var choices = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw error($"expected \"choices\" to be an array of strings, found {Kind(item.ValueKind)} at position {choices.Count + 1}");
            }

            var text = item.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
            {
                throw error($"expected \"choices\" to hold non-empty strings, found an empty one at position {choices.Count + 1}");
            }

            if (choices.Contains(text, StringComparer.Ordinal))
            {
                throw error($"expected distinct \"choices\", found \"{Shorten(text)}\" twice");
            }

            choices.Add(text);
        }

        if (choices.Count == 0)
        {
            throw error("expected \"choices\" to hold at least one string, found an empty array");
        }

        return choices;
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Keeps messages one short line: long or multi-line values are cut.</summary>
    private static string Shorten(string text)
    {
        var one = text.ReplaceLineEndings(" ");
        return one.Length <= 60 ? one : one[..57] + "...";
    }

    /// <summary>
    /// The task name of a single <c>.jsonl</c> file: its stem without a split suffix (<c>navigate.test.jsonl</c>,
    /// <c>navigate_test.jsonl</c> → <c>navigate</c>), or its folder's name when the stem is only a split name
    /// (<c>navigate/test.jsonl</c> → <c>navigate</c>).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <returns>The name.</returns>
    public static string FileTaskName(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var stem = Path.GetFileNameWithoutExtension(file);
        foreach (var split in SplitNames)
        {
            if (stem.Equals(split, StringComparison.OrdinalIgnoreCase))
            {
                var folder = Path.GetDirectoryName(Path.GetFullPath(file));
                return folder is null ? stem : DirectoryName(folder);
            }

            foreach (var separator in ".-_")
            {
                if (stem.Length > split.Length + 1 && stem.EndsWith(separator + split, StringComparison.OrdinalIgnoreCase))
                {
                    return stem[..^(split.Length + 1)];
                }
            }
        }

        return stem;
    }

    private static string DirectoryName(string directory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var name = Path.GetFileName(full);
        return string.IsNullOrEmpty(name) ? full : name;
    }
}
