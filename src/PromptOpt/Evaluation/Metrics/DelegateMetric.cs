using PromptOpt.Data;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>
/// A metric from a function: your own scoring without writing a class, e.g.
/// <c>new DelegateMetric("starts_with_label", (response, example) =&gt; response.Trim().StartsWith(example.Target) ? 1 : 0)</c>.
/// The aggregate is the mean score (implement <see cref="IMetric"/> for another aggregate, as <see cref="MacroF1Metric"/> does).
/// </summary>
public sealed class DelegateMetric : IMetric
{
    private readonly Func<string, Example, MetricResult> _score;

    /// <summary>Initializes a new instance of the <see cref="DelegateMetric"/> class from a full scorer.</summary>
    /// <param name="name">The metric name (shown in reports).</param>
    /// <param name="score">Scores a raw response against an example: score in [0, 1], the parsed prediction, feedback.</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public DelegateMetric(string name, Func<string, Example, MetricResult> score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(score);
        Name = name;
        _score = score;
    }

    /// <summary>Initializes a new instance of the <see cref="DelegateMetric"/> class from a score function.</summary>
    /// <param name="name">The metric name (shown in reports).</param>
    /// <param name="score">Scores a raw response against an example, in [0, 1] (values outside are clamped).</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public DelegateMetric(string name, Func<string, Example, double> score)
        : this(name, Wrap(score))
    {
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public MetricResult Score(string response, Example example) => _score(response ?? string.Empty, example);

    private static Func<string, Example, MetricResult> Wrap(Func<string, Example, double> score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return (response, example) =>
        {
            var s = Math.Clamp(score(response, example), 0, 1);
            var answer = AnswerExtractor.ExtractAnswer(response);
            return new MetricResult(s, answer, s >= 1 ? MetricFeedback.Correct : $"scored {s:0.###}; expected \"{MetricFeedback.Short(example.Target)}\"");
        };
    }
}
