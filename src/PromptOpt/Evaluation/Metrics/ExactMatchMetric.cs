using PromptOpt.Data;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>
/// Exact match after normalisation (<see cref="AnswerExtractor.Normalize"/>: trim, case-insensitive, collapsed spaces,
/// no trailing period) of the extracted answer (<see cref="AnswerExtractor.ExtractAnswer"/>) against the target or any
/// alternative in <c>meta.answers</c>. Without <c>&lt;answer&gt;</c> tags, the whole line after an "answer is" cue also
/// counts, so answers that are sentences survive "my answer is The ball was kicked. It …".
/// </summary>
public sealed class ExactMatchMetric : IMetric
{
    /// <summary>Gets a shared instance.</summary>
    public static ExactMatchMetric Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "exact_match";

    /// <inheritdoc />
    public MetricResult Score(string response, Example example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var accepted = ExampleAnswers.Accepted(example);
        var expected = accepted.Count == 1 ? $"\"{MetricFeedback.Short(example.Target)}\"" : $"\"{MetricFeedback.Short(example.Target)}\" (or one of {accepted.Count - 1} alternatives)";
        var answer = AnswerExtractor.ExtractAnswer(response);
        var normalized = AnswerExtractor.Normalize(answer);
        if (normalized.Length == 0)
        {
            return new MetricResult(0, null, MetricFeedback.NoAnswer(expected));
        }

        // An untagged "the answer is <a sentence. with stops>." is also read up to the end of its line.
        var cueLine = AnswerExtractor.ExtractTag(response) is null ? AnswerExtractor.Normalize(AnswerExtractor.ExtractCueLine(response)) : null;
        bool ok = accepted.Select(AnswerExtractor.Normalize).Any(a => a == normalized || (cueLine is { Length: > 0 } && a == cueLine));
        return new MetricResult(ok ? 1 : 0, answer, ok ? MetricFeedback.Correct : MetricFeedback.Wrong(expected, $"\"{MetricFeedback.Short(answer)}\""));
    }
}
