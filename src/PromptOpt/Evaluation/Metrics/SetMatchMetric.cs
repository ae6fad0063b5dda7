using PromptOpt.Data;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>
/// Exact set match: the extracted answer (<see cref="AnswerExtractor.ExtractAnswer"/>) is split into items — on commas,
/// semicolons, new lines and " and " when it has any of the first three, otherwise on spaces — and, normalised, must equal the gold set exactly
/// (order and repetitions do not matter). The gold set is <c>meta.answers_set</c> when present, else the target split
/// the same way.
/// </summary>
public sealed class SetMatchMetric : IMetric
{
    private static readonly char[] ListSeparators = [',', ';', '\n'];

    /// <summary>Gets a shared instance.</summary>
    public static SetMatchMetric Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "set_match";

    /// <inheritdoc />
    public MetricResult Score(string response, Example example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var gold = (ExampleAnswers.Strings(example, ExampleAnswers.AnswersSetKey) is { Count: > 0 } set ? set.Select(AnswerExtractor.Normalize) : Items(example.Target))
            .Where(s => s.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
        var expected = "{" + MetricFeedback.Short(string.Join(", ", gold.Order(StringComparer.Ordinal))) + "}";
        var answer = AnswerExtractor.ExtractAnswer(response);
        var predicted = Items(answer).ToHashSet(StringComparer.Ordinal);
        if (predicted.Count == 0)
        {
            return new MetricResult(0, null, MetricFeedback.NoAnswer(expected));
        }

        var prediction = string.Join(", ", predicted.Order(StringComparer.Ordinal));
        if (predicted.SetEquals(gold))
        {
            return new MetricResult(1, prediction, MetricFeedback.Correct);
        }

        var missing = gold.Except(predicted).Order(StringComparer.Ordinal).ToList();
        var extra = predicted.Except(gold).Order(StringComparer.Ordinal).ToList();
        var detail = (missing.Count > 0 ? "missing " + string.Join(", ", missing) : string.Empty)
            + (missing.Count > 0 && extra.Count > 0 ? "; " : string.Empty)
            + (extra.Count > 0 ? "extra " + string.Join(", ", extra) : string.Empty);
        return new MetricResult(0, prediction, MetricFeedback.Short(MetricFeedback.Wrong(expected, "{" + prediction + "}") + " (" + detail + ")"));
    }

    /// <summary>Splits a list answer into normalised items.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The items (may repeat).</returns>
    internal static IEnumerable<string> Items(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        // "x, y and z" is a list of three: in a separated list, " and " separates too.
        var parts = text.IndexOfAny(ListSeparators) >= 0
            ? text.Split(ListSeparators).SelectMany(p => p.Split(" and ", StringSplitOptions.None))
            : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts
            .Select(p => p.Trim().TrimStart('-', '*', '•').Trim())
            .Select(p => p.StartsWith("and ", StringComparison.OrdinalIgnoreCase) ? p[4..] : p)
            .Select(AnswerExtractor.Normalize)
            .Where(p => p.Length > 0);
    }
}
