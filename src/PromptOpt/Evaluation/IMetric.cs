using PromptOpt.Data;

namespace PromptOpt.Evaluation;

/// <summary>The score of one response, with feedback text an optimizer can learn from.</summary>
/// <param name="Score">The score in [0, 1].</param>
/// <param name="Prediction">The answer parsed from the response, or <see langword="null"/> when none could be parsed.</param>
/// <param name="Feedback">A short human-readable explanation (e.g. "expected (B), got (C)").</param>
public readonly record struct MetricResult(double Score, string? Prediction, string? Feedback);

/// <summary>Scores a model response against an example's target.</summary>
public interface IMetric
{
    /// <summary>Gets the metric name (e.g. <c>exact_match</c>, <c>choice</c>, <c>numeric</c>, <c>macro_f1</c>).</summary>
    string Name { get; }

    /// <summary>Scores one response.</summary>
    /// <param name="response">The raw model response.</param>
    /// <param name="example">The example with its target.</param>
    /// <returns>The score, the parsed prediction and feedback.</returns>
    MetricResult Score(string response, Example example);

    /// <summary>Aggregates per-example results into the corpus score. The default is the mean score.</summary>
    /// <param name="results">Per-example (prediction, example, score) results in input order.</param>
    /// <returns>The aggregate score in [0, 1].</returns>
    double Aggregate(IReadOnlyList<(string? Prediction, Example Example, double Score)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return results.Count == 0 ? 0 : results.Average(r => r.Score);
    }
}
