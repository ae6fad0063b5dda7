namespace PromptOpt.Evaluation.Metrics;

/// <summary>The metrics by name, for specs and the command line.</summary>
public static class MetricCatalog
{
    /// <summary>Gets the metric names: <c>exact_match</c>, <c>choice</c>, <c>numeric</c>, <c>token_f1</c>, <c>macro_f1</c>, <c>set_match</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["exact_match", "choice", "numeric", "token_f1", "macro_f1", "set_match"];

    /// <summary>Creates a metric by name (case-insensitive; <c>-</c> and <c>_</c> are interchangeable).</summary>
    /// <param name="name">The metric name.</param>
    /// <returns>The metric.</returns>
    /// <exception cref="PromptOptInputException">The name is not one of <see cref="Names"/>.</exception>
    public static IMetric Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().Replace('-', '_').ToLowerInvariant() switch
        {
            "exact_match" or "exact" or "em" => ExactMatchMetric.Instance,
            "choice" or "accuracy" => ChoiceMetric.Instance,
            "numeric" => NumericMetric.Instance,
            "token_f1" or "f1" => TokenF1Metric.Instance,
            "macro_f1" => MacroF1Metric.Instance,
            "set_match" => SetMatchMetric.Instance,
            _ => throw new PromptOptInputException($"unknown metric \"{name}\": expected one of {string.Join(", ", Names)}"),
        };
    }
}
