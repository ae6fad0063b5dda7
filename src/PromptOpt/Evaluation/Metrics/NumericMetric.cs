using PromptOpt.Data;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>
/// Numeric match: the last number in the response (inside the last <c>&lt;answer&gt;</c> block when there is one; thousands
/// separators removed; number words zero to twenty when no digits occur; see <see cref="AnswerExtractor.ExtractLastNumber"/>)
/// compared with the numeric target within <see cref="Tolerance"/>. Examples whose target is not a number are scored by
/// <see cref="ExactMatchMetric"/>.
/// </summary>
public sealed class NumericMetric : IMetric
{
    /// <summary>Gets a shared instance with the default tolerance.</summary>
    public static NumericMetric Instance { get; } = new();

    /// <summary>
    /// Gets the tolerance: a prediction p matches a target t when |p − t| ≤ Tolerance · max(1, |t|).
    /// </summary>
    /// <value>The default is 1e-6.</value>
    public double Tolerance { get; init; } = 1e-6;

    /// <inheritdoc />
    public string Name => "numeric";

    /// <inheritdoc />
    public MetricResult Score(string response, Example example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (AnswerExtractor.ParseNumber(example.Target) is not { } target)
        {
            return ExactMatchMetric.Instance.Score(response, example);
        }

        var text = AnswerExtractor.ExtractTag(response) ?? response;
        if (AnswerExtractor.ExtractLastNumber(text) is not { } value)
        {
            return new MetricResult(0, null, MetricFeedback.NoAnswer(example.Target));
        }

        var prediction = AnswerExtractor.FormatNumber(value);
        bool ok = Math.Abs(value - target) <= Tolerance * Math.Max(1, Math.Abs(target));
        return new MetricResult(ok ? 1 : 0, prediction, ok ? MetricFeedback.Correct : MetricFeedback.Wrong(example.Target, prediction));
    }
}
