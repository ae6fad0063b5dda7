using PromptOpt.Data;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Data;

public sealed class DatasetReadmeMetricTests
{
    [Theory]
    [InlineData("- **Metric:** macro-F1", "macro_f1")]
    [InlineData("- **Metric:** Macro F1 (over the labels)", "macro_f1")]
    [InlineData("**Metric:** token F1 against `target`", "token_f1")]
    [InlineData("Metric: F1", "token_f1")]
    [InlineData("- **Metric:** numeric match (compare the final number in the output with `target`)", "numeric")]
    [InlineData("- **Metric:** exact set match (compare the set of comma-separated words with `meta.answers_set`)", "set_match")]
    [InlineData("- **Metric:** accuracy (exact match on Yes/No); macro-F1 also reasonable", null)] // the first one named wins
    [InlineData("- **Metric:** exact match (case-insensitive, trimmed)", null)]
    [InlineData("- **Evaluation metric:** macro_f1", "macro_f1")]
    [InlineData("- **Source:** a metric-free line", null)]
    public void ParseMetric_Line_MapsTheFirstNamedMetric(string line, string? expected)
    {
        Assert.Equal(expected, DatasetReadme.ParseMetric(["# data", "", line]));
    }

    [Fact]
    public void FromDirectory_ReadmeAsksForMacroF1_TaskIsScoredByMacroF1()
    {
        using var temp = new TempDirectory();
        temp.WriteLines("hate/train.jsonl", """{"id": "1", "input": "a", "target": "Yes", "choices": ["Yes", "No"]}""");
        temp.WriteLines("hate/test.jsonl", """{"id": "2", "input": "b", "target": "No", "choices": ["Yes", "No"]}""");
        temp.WriteLines("hate/README.md", "# hate", "- **Metric:** macro-F1 over Yes/No");

        var task = TaskCatalog.FromDirectory(Path.Combine(temp.Path, "hate"));

        Assert.Equal("macro_f1", task.Metric.Name);
    }

    [Fact]
    public void FromDirectory_ReadmeAsksForAccuracy_KeepsTheInferredMetric()
    {
        using var temp = new TempDirectory();
        temp.WriteLines("yn/train.jsonl", """{"id": "1", "input": "a", "target": "Yes", "choices": ["Yes", "No"]}""");
        temp.WriteLines("yn/test.jsonl", """{"id": "2", "input": "b", "target": "No", "choices": ["Yes", "No"]}""");
        temp.WriteLines("yn/README.md", "- **Metric:** accuracy (exact match on Yes/No)");

        Assert.Equal("choice", TaskCatalog.FromDirectory(Path.Combine(temp.Path, "yn")).Metric.Name);
    }
}
