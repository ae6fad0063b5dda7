using System.Text.Json;
using PromptOpt.Data;

namespace PromptOpt.Tests.Evaluation;

internal static class MetricTestData
{
    public static Example Letters(string target, string? input = null) =>
        new("q", input ?? "Which?\nOptions:\n(A) 10/07/1996\n(B) 08/03/2035\n(C) 05/03/1997\n(D) 08/03/1996", target, ["(A)", "(B)", "(C)", "(D)"]);

    public static Example Labels(string target, params string[] labels) => new("q", "text", target, labels.Length == 0 ? ["Yes", "No"] : labels);

    public static Example Free(string target, string? metaJson = null) =>
        new("q", "text", target, null, metaJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(metaJson));
}
