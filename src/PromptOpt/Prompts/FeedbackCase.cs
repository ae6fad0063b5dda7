using PromptOpt.Evaluation;

namespace PromptOpt.Prompts;

/// <summary>
/// One example of a minibatch with its outcome, as GEPA's reflection sees it (ALGORITHMS.md 6, GEPA: "each example's
/// input, output, expected answer and the metric's textual feedback"): the case, its score and the metric's feedback.
/// </summary>
/// <param name="Case">The input, response, parsed prediction and expected answer.</param>
/// <param name="Score">The metric's score.</param>
/// <param name="Feedback">The metric's textual feedback (<see cref="MetricResult.Feedback"/>).</param>
public sealed record FeedbackCase(FailureCase Case, double Score, string Feedback)
{
    /// <summary>Builds the case of one evaluated example (successes included: reflection also learns from what worked).</summary>
    /// <param name="result">The example result.</param>
    /// <returns>The case.</returns>
    public static FeedbackCase From(ExampleResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new FeedbackCase(FailureCase.From(result), result.Score, result.Feedback ?? (result.IsFailure ? "wrong" : "correct"));
    }
}
