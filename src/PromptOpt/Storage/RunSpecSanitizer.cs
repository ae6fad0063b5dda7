using System.Text.Json;
using System.Text.Json.Nodes;
using PromptOpt.Models;

namespace PromptOpt.Storage;

/// <summary>
/// Strips secrets from JSON before it is stored: the values of fields whose names look like a key, token, secret,
/// password or credential, and any key-like string (e.g. <c>sk-…</c>) anywhere. Field names that merely name a variable
/// (<c>api_key_env</c>, <c>ApiKeyVariable</c>) and counts (<c>max_tokens</c>) are kept.
/// </summary>
internal static class RunSpecSanitizer
{
    // Keep non-ASCII text readable in the store ("é", not "\u00E9"); the output is stored, never embedded in HTML.
    private static readonly JsonSerializerOptions Output = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The value that replaces a stripped secret.</summary>
    public const string Redacted = "***";

    /// <summary>Gets whether a field name looks like it holds a secret.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>Whether its value is stripped.</returns>
    public static bool IsSensitiveName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = new string(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        return n.EndsWith("key", StringComparison.Ordinal)
            || n.EndsWith("token", StringComparison.Ordinal)
            || n.Contains("secret", StringComparison.Ordinal)
            || n.Contains("password", StringComparison.Ordinal)
            || n.Contains("passwd", StringComparison.Ordinal)
            || n.Contains("credential", StringComparison.Ordinal)
            || n == "authorization";
    }

    /// <summary>Returns <paramref name="json"/> with secrets stripped (non-JSON text only has key-like strings masked).</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The sanitized JSON.</returns>
    public static string Sanitize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return SecretRedactor.Redact(json);
        }

        return root is null ? json : Clean(root)?.ToJsonString(Output) ?? "null";
    }

    /// <summary>Returns a copy of a role → model-spec map with key-like strings masked.</summary>
    /// <param name="models">The map.</param>
    /// <returns>The sanitized map, sorted by role.</returns>
    public static SortedDictionary<string, string> SanitizeModels(IReadOnlyDictionary<string, string> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (role, spec) in models)
        {
            result[role] = IsSensitiveName(role) ? Redacted : SecretRedactor.Redact(spec ?? string.Empty);
        }

        return result;
    }

    private static JsonNode? Clean(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(kv => kv.Key).ToList())
                {
                    if (IsSensitiveName(name) && obj[name] is not null)
                    {
                        obj[name] = Redacted;
                    }
                    else
                    {
                        var cleaned = Clean(obj[name]);
                        if (!ReferenceEquals(cleaned, obj[name]))
                        {
                            obj[name] = cleaned;
                        }
                    }
                }

                return obj;
            case JsonArray arr:
                for (int i = 0; i < arr.Count; i++)
                {
                    var cleaned = Clean(arr[i]);
                    if (!ReferenceEquals(cleaned, arr[i]))
                    {
                        arr[i] = cleaned;
                    }
                }

                return arr;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var s = value.GetValue<string>();
                var masked = SecretRedactor.Redact(s);
                return masked == s ? value : JsonValue.Create(masked);
            default:
                return node;
        }
    }
}
