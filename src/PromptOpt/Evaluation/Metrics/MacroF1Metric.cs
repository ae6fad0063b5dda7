using PromptOpt.Data;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>
/// Macro-F1 over class labels, as MetaSPO scores its safety tasks (sklearn macro-F1 over yes/no, ALGORITHMS.md 3.3).
/// Each example is parsed and scored like <see cref="ChoiceMetric"/> (1 for the right label, else 0), but
/// <see cref="Aggregate"/> returns the unweighted mean, over the labels, of each label's F1 = 2·TP / (2·TP + FP + FN).
/// </summary>
/// <remarks>
/// <para>The labels averaged over are those that occur as a target or as a parsed prediction in the results (sklearn's
/// default label set), so a class absent from a small batch and never predicted does not count as an F1 of 0.</para>
/// <para>An unparseable prediction (or a failed call) is treated as its own, always-wrong class: it counts as a false
/// negative of the example's true label, but, being no real label, it is not one of the labels averaged over (it has
/// no F1 of its own, just as sklearn's <c>labels=["yes", "no"]</c> ignores invalid outputs in the average).</para>
/// </remarks>
public sealed class MacroF1Metric : IMetric
{
    /// <summary>Gets a shared instance.</summary>
    public static MacroF1Metric Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "macro_f1";

    /// <inheritdoc />
    public MetricResult Score(string response, Example example) => ChoiceMetric.Instance.Score(response, example);

    /// <summary>Computes macro-F1 over the labels of <paramref name="results"/>.</summary>
    /// <param name="results">Per-example (prediction, example, score) results.</param>
    /// <returns>Macro-F1 in [0, 1]; 0 for no results.</returns>
    public double Aggregate(IReadOnlyList<(string? Prediction, Example Example, double Score)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return 0;
        }

        var labels = results.Select(r => r.Example.Target)
            .Concat(results.Select(r => r.Prediction).OfType<string>())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        double sum = 0;
        foreach (var label in labels)
        {
            int tp = 0, fp = 0, fn = 0;
            foreach (var (prediction, example, _) in results)
            {
                bool gold = example.Target == label;
                bool predicted = prediction == label;
                tp += gold && predicted ? 1 : 0;
                fp += !gold && predicted ? 1 : 0;
                fn += gold && !predicted ? 1 : 0;
            }

            sum += 2.0 * tp / ((2.0 * tp) + fp + fn);
        }

        return sum / labels.Count;
    }
}
