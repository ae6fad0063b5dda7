using PromptOpt.Storage;
using PromptOpt.Tests.Reporting;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

public class ReportTests
{
    private static readonly string[] Sections = ["summary", "prompts", "trajectory", "candidates", "failures", "usage", "spec", "dual-phase"];

    [Fact]
    public async Task Optimize_WritesTheHtmlReportWithEverySectionAndTheTestFailures()
    {
        using var dir = new TempDirectory();
        var json = await OptimizeFixture.RunJsonAsync(dir);

        var doc = ReportFixtures.Parse(File.ReadAllText(json.GetProperty("report").GetString()!));

        foreach (var id in Sections)
        {
            Assert.Equal("section", doc.ById(id).Name.LocalName);
        }

        Assert.NotNull(doc.ById("simulated-banner"));
        Assert.Contains(json.GetProperty("runId").GetString()!, doc.Descendants().First(e => e.Name.LocalName == "h1").Value, StringComparison.Ordinal);
        // The failures are the best prompt's test evaluation: (1 - test score) of the 40 test examples failed.
        int failed = (int)Math.Round((1 - json.GetProperty("scores").GetProperty("test").GetDouble()) * 40);
        Assert.Contains($"{failed} of 40", doc.ById("failures").Value, StringComparison.Ordinal);
        Assert.NotEmpty(doc.ById("failure-table").All("tr"));
    }

    [Fact]
    public async Task Report_FinishedRun_WritesHtmlToOutWithoutPayingAnything()
    {
        using var dir = new TempDirectory();
        var runId = (await OptimizeFixture.RunJsonAsync(dir)).GetProperty("runId").GetString()!;

        var run = await CliHarness.RunAsync(["report", runId, "--out", "r.html", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(Path.Combine(dir.Path, "r.html"), json.GetProperty("path").GetString());
        Assert.True(json.GetProperty("simulated").GetBoolean());
        Assert.True(json.GetProperty("failuresIncluded").GetBoolean()); // re-read from the cache
        var doc = ReportFixtures.Parse(File.ReadAllText(Path.Combine(dir.Path, "r.html")));
        Assert.All(Sections, id => Assert.NotNull(doc.ById(id)));
        Assert.NotEmpty(doc.ById("failure-table").All("tr"));
    }

    [Fact]
    public async Task Report_Markdown_GoesToTheReportsFolderNextToTheStore()
    {
        using var dir = new TempDirectory();
        var runId = (await OptimizeFixture.RunJsonAsync(dir)).GetProperty("runId").GetString()!;

        var run = await CliHarness.RunAsync(["report", runId, "--format", "md", "--store", OptimizeFixture.StorePath(dir)], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var path = Path.Combine(dir.Path, "reports", runId + ".md");
        Assert.Equal($"report (simulated): {path}", run.Stdout.Trim());
        var md = File.ReadAllText(path);
        Assert.StartsWith($"# PromptOpt report: run `{runId}`", md, StringComparison.Ordinal);
        Assert.Contains("**SIMULATED RESULTS**", md, StringComparison.Ordinal);
        foreach (var heading in new[] { "## Summary", "## Worst failures", "## Usage and cost", "## Run spec", "## Dual-Phase: sentence weights" })
        {
            Assert.Contains("\n" + heading + "\n", md, StringComparison.Ordinal);
        }

        Assert.Contains("| multistep\\_arithmetic-test-", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_EvalRun_IsBadInput()
    {
        using var dir = new TempDirectory();
        var store = OptimizeFixture.StorePath(dir);
        var eval = await CliHarness.RunAsync(["eval", "--task", "navigate", "--prompt", "Decide.", "--model", "sim", "--limit", "5", "--store", store, "--json"], dir.Path);
        var runId = eval.Json().GetProperty("runId").GetString()!;

        var run = await CliHarness.RunAsync(["report", runId, "--store", store], dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"run '{runId}' is an eval run", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_UnfinishedRun_IsBadInputSayingHowToResume()
    {
        using var dir = new TempDirectory();
        var store = OptimizeFixture.StorePath(dir);
        using (var s = new PromptOptStore(store))
        {
            await s.CreateOrOpenRunAsync(new RunStart("half", "dual-phase", "{}", 42, new Dictionary<string, string>()));
            await s.SetStatusAsync("half", RunStatus.Interrupted);
        }

        var run = await CliHarness.RunAsync(["report", "half", "--store", store], dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("run 'half' is unfinished (status: interrupted); run the same 'promptopt optimize' command again", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "run 'ghost' not found in the store")]
    [InlineData(false, "no store at")]
    public async Task Report_UnknownRunOrNoStore_IsBadInputAndCreatesNothing(bool storeExists, string expected)
    {
        using var dir = new TempDirectory();
        var store = OptimizeFixture.StorePath(dir);
        if (storeExists)
        {
            new PromptOptStore(store).Dispose();
        }

        var run = await CliHarness.RunAsync(["report", "ghost", "--store", store], dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(storeExists, File.Exists(store));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "reports")));
    }
}
