using System.Text.Json;
using PromptOpt.Data;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>Reads the accepted answers of an example: its target plus <c>meta.answers</c> / <c>meta.answers_set</c>.</summary>
public static class ExampleAnswers
{
    /// <summary>The meta key holding alternative accepted answers (any one of them is correct).</summary>
    public const string AnswersKey = "answers";

    /// <summary>The meta key holding the gold set for set-match tasks.</summary>
    public const string AnswersSetKey = "answers_set";

    /// <summary>Gets the target followed by every distinct string in <c>meta.answers</c>.</summary>
    /// <param name="example">The example.</param>
    /// <returns>The accepted answers, target first.</returns>
    public static IReadOnlyList<string> Accepted(Example example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var list = new List<string> { example.Target };
        foreach (var s in Strings(example, AnswersKey) ?? [])
        {
            if (!list.Contains(s, StringComparer.Ordinal))
            {
                list.Add(s);
            }
        }

        return list;
    }

    /// <summary>Gets the strings of a meta array, or <see langword="null"/> when the key is absent or not an array of strings.</summary>
    /// <param name="example">The example.</param>
    /// <param name="key">The meta key.</param>
    /// <returns>The strings, or <see langword="null"/>.</returns>
    public static IReadOnlyList<string>? Strings(Example example, string key)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (example.Meta is null || !example.Meta.TryGetValue(key, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } s)
            {
                list.Add(s);
            }
            else if (item.ValueKind == JsonValueKind.Number)
            {
                list.Add(item.GetRawText());
            }
        }

        return list;
    }
}
