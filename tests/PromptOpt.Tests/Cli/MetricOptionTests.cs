using PromptOpt.Evaluation.Metrics;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary><c>--metric</c> / spec key <c>metric</c> on every command that scores a task.</summary>
public sealed class MetricOptionTests
{
    private static string[] Eval(string store, params string[] more) =>
        ["eval", "--task", "navigate", "--prompt", "Decide whether you end where you started.", "--limit", "12", "--model", "sim", "--store", store, "--json", .. more];

    [Fact]
    public async Task Eval_Metric_ScoresWithItAndNamesItAndSeparatesTheRun()
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "s.db");

        var byDefault = await CliHarness.RunAsync(Eval(store), dir.Path);
        var macro = await CliHarness.RunAsync(Eval(store, "--metric", "macro-f1"), dir.Path);

        Assert.True(macro.ExitCode == 0, macro.ToString());
        Assert.Equal("choice", byDefault.Json().GetProperty("metric").GetString());
        Assert.Equal("macro_f1", macro.Json().GetProperty("metric").GetString());
        Assert.NotEqual(byDefault.Json().GetProperty("runId").GetString(), macro.Json().GetProperty("runId").GetString());
        Assert.Equal(0, macro.Json().GetProperty("usage").GetProperty("paidCalls").GetInt64()); // same calls, answered from the cache
    }

    [Fact]
    public async Task Eval_DatasetReadmeAsksForMacroF1_IsHonouredByDefault()
    {
        using var dir = new TempDirectory();
        dir.WriteLines("hate/train.jsonl", """{"id": "1", "input": "a", "target": "Yes", "choices": ["Yes", "No"]}""");
        dir.WriteLines("hate/test.jsonl", """{"id": "2", "input": "b", "target": "No", "choices": ["Yes", "No"]}""", """{"id": "3", "input": "c", "target": "Yes", "choices": ["Yes", "No"]}""");
        dir.WriteLines("hate/README.md", "- **Metric:** macro-F1");

        var run = await CliHarness.RunAsync(["eval", "--task", "hate", "--prompt", "Is it hateful?", "--model", "sim", "--store", "s.db", "--json"], dir.Path);
        var chosen = await CliHarness.RunAsync(["eval", "--task", "hate", "--prompt", "Is it hateful?", "--model", "sim", "--store", "s.db", "--json", "--metric", "accuracy"], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("macro_f1", run.Json().GetProperty("metric").GetString());
        Assert.Equal("choice", chosen.Json().GetProperty("metric").GetString()); // the flag beats the README
    }

    [Theory]
    [InlineData("eval", "--task", "navigate", "--prompt", "x", "--model", "sim")]
    [InlineData("optimize", "--method", "ape", "--task", "navigate", "--task-model", "sim")]
    public async Task UnknownMetric_ExitCode2WithOneLineListingTheValidNames(params string[] args)
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync([.. args, "--metric", "bleu", "--store", Path.Combine(dir.Path, "s.db")], dir.Path);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: unknown metric \"bleu\": expected one of", line, StringComparison.Ordinal);
        Assert.All(MetricCatalog.Names, n => Assert.Contains(n, line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Optimize_MetricFlag_ScoresTheRunWithIt()
    {
        using var dir = new TempDirectory();

        var json = await OptimizeFixture.RunJsonAsync(dir, "--metric", "exact");

        Assert.Equal("exact_match", json.GetProperty("metric").GetString());
    }

    [Fact]
    public async Task Optimize_SpecMetricUnknown_ErrorNamesFileAndLine()
    {
        using var dir = new TempDirectory();
        dir.Write("spec.yaml", OptimizeFixture.Spec + "\nmetric: bleu\n");

        var run = await CliHarness.RunAsync(["optimize", "spec.yaml", "--store", OptimizeFixture.StorePath(dir)], dir.Path);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("spec.yaml", line, StringComparison.Ordinal);
        Assert.Contains("unknown metric \"bleu\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Optimize_ExpoWithMetric_IsABadInput()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(["optimize", "--method", "expo", "--env", "bandit-easy", "--agent-model", "sim", "--metric", "choice", "--store", Path.Combine(dir.Path, "s.db")], dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("drop --metric", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
