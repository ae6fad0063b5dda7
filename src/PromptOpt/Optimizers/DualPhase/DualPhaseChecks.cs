using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.DualPhase;

/// <summary>The acceptance rules and the reward of Dual-Phase phase 2 (ALGORITHMS.md 2.2 steps 3.3–3.5), and evaluation on V that reuses the fast check's answers.</summary>
internal static class DualPhaseChecks
{
    /// <summary>Tolerance for comparing scores that are sums of per-example fractions.</summary>
    private const double Epsilon = 1e-9;

    /// <summary>Dual-Phase 2.2 step 3.3 (Eq. 7): the fast check passes when the accuracy on the previous failures is at least h_f.</summary>
    /// <param name="failureAccuracy">A_F.</param>
    /// <param name="threshold">h_f.</param>
    /// <returns>Whether the rewrite goes on to the full check.</returns>
    public static bool PassesFastCheck(double failureAccuracy, double threshold) => failureAccuracy >= threshold - Epsilon;

    /// <summary>
    /// Dual-Phase 2.2 step 3.4 (Eq. 8): accept when A_new − A ≥ h_v, or, when A is already within h_v of 1, when A_new is
    /// strictly better (the reimplementation's rule).
    /// </summary>
    /// <param name="newScore">A_new.</param>
    /// <param name="score">A.</param>
    /// <param name="minImprovement">h_v.</param>
    /// <returns>Whether the rewrite is accepted.</returns>
    public static bool Accepts(double newScore, double score, double minImprovement) =>
        newScore - score >= minImprovement - Epsilon
        || (1.0 - score <= minImprovement + Epsilon && newScore > score + Epsilon);

    /// <summary>Dual-Phase 2.2 step 3.5 (Eq. 9): the reward r = α·A_new + (1 − α)·A_F.</summary>
    /// <param name="alpha">α.</param>
    /// <param name="newScore">A_new.</param>
    /// <param name="failureAccuracy">A_F.</param>
    /// <returns>r.</returns>
    public static double Reward(double alpha, double newScore, double failureAccuracy) => (alpha * newScore) + ((1 - alpha) * failureAccuracy);

    /// <summary>The accuracy on a set of example results: the mean per-example score (the fraction right for 0/1 metrics).</summary>
    /// <param name="results">The results.</param>
    /// <returns>The accuracy (0 for none).</returns>
    public static double Accuracy(IEnumerable<ExampleResult> results)
    {
        var list = results.ToList();
        return list.Count == 0 ? 0 : list.Average(r => r.Score);
    }

    /// <summary>The accuracy of an evaluation on V restricted to the examples of F.</summary>
    /// <param name="onV">The evaluation on V.</param>
    /// <param name="failures">F.</param>
    /// <returns>A_F.</returns>
    public static double AccuracyOn(EvaluationResult onV, IReadOnlyList<Example> failures)
    {
        var ids = failures.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        return Accuracy(onV.Results.Where(r => ids.Contains(r.Example.Id)));
    }

    /// <summary>
    /// Evaluates a candidate on V (Dual-Phase 2.2 step 3.4), reusing the answers it already gave on the failure set during
    /// the fast check: the same prompt on the same example gives the same answer (and a cache hit would still be charged
    /// as a call), so only the other examples are sent. The score is the metric's aggregate over V in V's order.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="prompt">The candidate.</param>
    /// <param name="onFailures">The fast-check evaluation on F, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The evaluation on V.</returns>
    public static async Task<EvaluationResult> EvaluateOnVAsync(
        OptimizationSession session, Prompt prompt, EvaluationResult? onFailures, CancellationToken cancellationToken)
    {
        var v = session.TrainSet;
        if (onFailures is null || onFailures.Results.Count == 0)
        {
            return await session.EvaluateAsync(prompt, v, cancellationToken).ConfigureAwait(false);
        }

        var known = onFailures.Results.ToDictionary(r => r.Example.Id, StringComparer.Ordinal);
        var rest = v.Where(e => !known.ContainsKey(e.Id)).ToList();
        if (rest.Count > 0)
        {
            var onRest = await session.EvaluateAsync(prompt, rest, cancellationToken).ConfigureAwait(false);
            foreach (var r in onRest.Results)
            {
                known[r.Example.Id] = r;
            }
        }

        var results = v.Select(e => known[e.Id]).ToList();
        var score = session.Request.Task.Metric.Aggregate(results.Select(r => (r.Prediction, r.Example, r.Score)).ToList());
        return new EvaluationResult(score, results);
    }

    /// <summary>Samples at most <paramref name="max"/> failure cases of F with the run's random source, kept in F's order.</summary>
    /// <param name="failures">The failed results.</param>
    /// <param name="max">The maximum shown.</param>
    /// <param name="rng">The run's seeded random source.</param>
    /// <returns>The failure cases to show the optimizer.</returns>
    public static IReadOnlyList<FailureCase> SampleShown(IReadOnlyList<ExampleResult> failures, int max, Random rng)
    {
        if (failures.Count <= max)
        {
            return failures.Select(FailureCase.From).ToList();
        }

        var order = Enumerable.Range(0, failures.Count).ToArray();
        rng.Shuffle(order);
        return order.Take(max).Order().Select(i => FailureCase.From(failures[i])).ToList();
    }
}
