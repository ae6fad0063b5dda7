using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PromptOpt.Cli.Rendering;

/// <summary>Writes the single JSON object of a <c>--json</c> command to stdout.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="value"/> as one line of JSON.</summary>
    /// <param name="writer">The writer (stdout).</param>
    /// <param name="value">The object.</param>
    public static void Write(TextWriter writer, JsonObject value)
    {
        writer.WriteLine(value.ToJsonString(Options));
        writer.Flush();
    }
}
