using System.Text.Json.Nodes;
using PromptOpt.Data;

namespace PromptOpt.Prompts;

/// <summary>Builds and reads the structured arguments of <see cref="Models.LlmOperation"/> (keys in <see cref="OperationArgKeys"/>).</summary>
public static class OperationArgs
{
    /// <summary>Encodes a prompt as <c>{"system", "user"}</c>.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <returns>The JSON object.</returns>
    public static JsonObject FromPrompt(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new JsonObject { ["system"] = prompt.System, ["user"] = prompt.User };
    }

    /// <summary>Decodes a prompt written by <see cref="FromPrompt"/>.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The prompt, or <see langword="null"/>.</returns>
    public static Prompt? ToPrompt(JsonNode? node) =>
        node is JsonObject o && o["user"]?.GetValue<string>() is { } user ? new Prompt(o["system"]?.GetValue<string>(), user) : null;

    /// <summary>Encodes failures as an array of <c>{"input", "output", "prediction", "expected"}</c>.</summary>
    /// <param name="failures">The failures.</param>
    /// <returns>The JSON array.</returns>
    public static JsonArray FromFailures(IEnumerable<FailureCase> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var array = new JsonArray();
        foreach (var f in failures)
        {
            array.Add(new JsonObject { ["input"] = f.Input, ["output"] = f.ModelOutput, ["prediction"] = f.Prediction, ["expected"] = f.Expected });
        }

        return array;
    }

    /// <summary>Decodes failures written by <see cref="FromFailures"/>.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The failures (empty when absent).</returns>
    public static IReadOnlyList<FailureCase> ToFailures(JsonNode? node) =>
        node is JsonArray a
            ? a.OfType<JsonObject>().Select(o => new FailureCase(
                Str(o["input"]) ?? string.Empty, Str(o["output"]) ?? string.Empty, Str(o["prediction"]), Str(o["expected"]) ?? string.Empty)).ToList()
            : [];

    /// <summary>Encodes demos as an array of <c>{"input", "output"}</c>.</summary>
    /// <param name="demos">The demos.</param>
    /// <returns>The JSON array.</returns>
    public static JsonArray FromDemos(IEnumerable<Example> demos)
    {
        ArgumentNullException.ThrowIfNull(demos);
        var array = new JsonArray();
        foreach (var d in demos)
        {
            array.Add(new JsonObject { ["input"] = d.Input, ["output"] = d.Target });
        }

        return array;
    }

    /// <summary>Decodes demos written by <see cref="FromDemos"/> as (input, output) pairs.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The pairs (empty when absent).</returns>
    public static IReadOnlyList<(string Input, string Output)> ToDemos(JsonNode? node) =>
        node is JsonArray a
            ? a.OfType<JsonObject>().Select(o => (Str(o["input"]) ?? string.Empty, Str(o["output"]) ?? string.Empty)).ToList()
            : [];

    /// <summary>Encodes a scored history as an array of <c>{"instruction", "score"}</c>.</summary>
    /// <param name="history">The history.</param>
    /// <returns>The JSON array.</returns>
    public static JsonArray FromHistory(IEnumerable<ScoredInstruction> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var array = new JsonArray();
        foreach (var h in history)
        {
            array.Add(new JsonObject { ["instruction"] = h.Instruction, ["score"] = h.Score });
        }

        return array;
    }

    /// <summary>Decodes a history written by <see cref="FromHistory"/>.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The history (empty when absent).</returns>
    public static IReadOnlyList<ScoredInstruction> ToHistory(JsonNode? node) =>
        node is JsonArray a
            ? a.OfType<JsonObject>().Select(o => new ScoredInstruction(Str(o["instruction"]) ?? string.Empty, o["score"]?.GetValue<double>() ?? 0)).ToList()
            : [];

    /// <summary>Reads a string value (or <see langword="null"/>).</summary>
    /// <param name="node">The node.</param>
    /// <returns>The string.</returns>
    public static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Reads an integer value.</summary>
    /// <param name="node">The node.</param>
    /// <param name="fallback">The value when absent.</param>
    /// <returns>The integer.</returns>
    public static int Int(JsonNode? node, int fallback) =>
        node is JsonValue v && v.TryGetValue<int>(out var i) ? i
        : node is JsonValue d && d.TryGetValue<double>(out var x) ? (int)x
        : fallback;
}
