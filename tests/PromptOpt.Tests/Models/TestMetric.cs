using PromptOpt.Data;
using PromptOpt.Evaluation;

namespace PromptOpt.Tests.Models;

/// <summary>Exact match of the trimmed response against the target.</summary>
internal sealed class ExactMatchMetric : IMetric
{
    public string Name => "exact_match";

    public MetricResult Score(string response, Example example)
    {
        var p = response.Trim();
        return new MetricResult(p == example.Target ? 1 : 0, p, p == example.Target ? null : $"expected {example.Target}, got {p}");
    }
}

internal static class TestData
{
    public static List<Example> Examples(int n) =>
        Enumerable.Range(0, n).Select(i => new Example($"ex{i}", $"question {i}", i % 3 == 0 ? $"echo: Answer: question {i}" : "nope")).ToList();

    public static PromptOpt.Prompts.Prompt Prompt { get; } = new("Be exact.", "Answer: {question}");
}
