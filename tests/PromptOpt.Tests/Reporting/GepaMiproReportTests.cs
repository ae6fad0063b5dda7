using System.Text.Json;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Gepa;
using PromptOpt.Optimizers.Mipro;
using PromptOpt.Reporting;
using PromptOpt.Tests.Optimizers.Baselines;

namespace PromptOpt.Tests.Reporting;

public class GepaMiproReportTests
{
    // Through the stored form: the result JSON the store keeps, read back as reports read it.
    private static RunReport Stored(OptimizationResult result) => new()
    {
        RunId = "r",
        Result = JsonSerializer.Deserialize<OptimizationResult>(RunReportLoader.ToResultJson(result), RunReportLoader.ResultJsonOptions)!,
    };

    [Fact]
    public async Task WriteHtml_GepaRun_DrawsTheFrontierOverTimeAndTheLineage()
    {
        var result = await new GepaOptimizer(new GepaOptions { MaxMetricCalls = 300 }).OptimizeAsync(BaselineRig.Request(BaselineRig.Task("multistep_arithmetic")));

        var html = ReportWriter.WriteHtml(Stored(result));
        Assert.True(!html.Contains("could not be rendered", StringComparison.Ordinal), html[Math.Max(0, html.IndexOf("could not be rendered", StringComparison.Ordinal) - 50)..][..300]);
        var doc = ReportFixtures.Parse(html);

        Assert.Contains("<svg", doc.ById("gepa-frontier-chart").ToString(), StringComparison.Ordinal);
        Assert.Equal(result.Details["iterations"]!.AsArray().Count, doc.ById("gepa-iterations").All("tbody").Single().All("tr").Count());
        Assert.Equal(result.Details["lineage"]!.AsArray().Count, doc.ById("gepa-lineage").All("li").Count());
        Assert.Contains("Pareto", ReportWriter.WriteMarkdown(Stored(result)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteHtml_MiproRun_ShowsTrialsTheWinnerAndItsDemos()
    {
        var result = await new MiproOptimizer(new MiproOptions { Trials = 6, Instructions = 3, DemoSets = 3 }).OptimizeAsync(BaselineRig.Request(BaselineRig.Task("navigate")));
        var stored = Stored(result);

        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(stored));

        Assert.Equal(stored.Result.BestPrompt, result.BestPrompt); // demos survive the stored result
        Assert.Equal(6, doc.ById("mipro-trials").All("tbody").Single().All("tr").Count());
        Assert.Contains("Winner", doc.ById("mipro-winner").Value, StringComparison.Ordinal);
        Assert.Equal(3, doc.ById("mipro-demo-sets").All("li").Count());
        if (result.BestPrompt.HasDemos)
        {
            Assert.Contains(result.BestPrompt.Demos[0].Input, doc.ById("best-prompt").Value, StringComparison.Ordinal);
        }
    }
}
