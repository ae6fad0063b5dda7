using System.Text.Json.Nodes;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;
using PromptOpt.Tests.Simulation;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary><c>promptopt compare</c> (issue 13): equal budgets and start prompts, ordinary resumable runs, one table per task.</summary>
public sealed class CompareTests
{
    private static string[] Small(TempDirectory dir, string methods, params string[] more) => Small(dir, methods, "1,2", "300", "8", more);

    private static string[] Small(TempDirectory dir, string methods, string seeds, string taskCalls, string optimizerCalls, params string[] more) =>
    [
        "compare", "--methods", methods, "--task", "navigate", "--task-model", "sim", "--optimizer-model", "sim", "--seeds", seeds,
        "--train-size", "20", "--test-size", "40", "--budget-task-calls", taskCalls, "--budget-optimizer-calls", optimizerCalls,
        "--store", Path.Combine(dir.Path, "s.db"), .. more,
    ];

    [Fact]
    public async Task Compare_Simulator_OneRowPerMethodSameStartAndARerunReplaysTheSameTable()
    {
        using var dir = new TempDirectory();

        var first = await CliHarness.RunAsync(Small(dir, "dual-phase,opro,dual-phase:no-initial", "--json"), dir.Path);
        var again = await CliHarness.RunAsync(Small(dir, "dual-phase,opro,dual-phase:no-initial", "--json"), dir.Path);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        var json = JsonNode.Parse(first.Stdout)!;
        Assert.True((bool)json["simulated"]!);
        var table = json["tasks"]![0]!;
        Assert.Equal("navigate", (string?)table["task"]);
        var rows = table["rows"]!.AsArray();
        Assert.Equal(["dual-phase", "dual-phase:no-initial", "opro"], rows.Select(r => (string)r!["method"]!).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(2, (int)r!["test"]!["n"]!));
        Assert.Single(rows, r => r!["deltaVsBest"] is null); // the best row
        Assert.All(rows.Where(r => r!["deltaVsBest"] is not null), r => Assert.Equal(2, (int)r!["deltaVsBest"]!["n"]!));
        Assert.All(rows, r => Assert.InRange((double)r!["budgetSpent"]!, 0.0, 1.0));
        Assert.NotNull(table["oracleTest"]); // the in-process simulator exposes its oracle prompt

        // Start-prompt parity within each seed: the same start prompt and start test score for every method.
        foreach (var seed in new[] { 1, 2 })
        {
            var runs = table["runs"]!.AsArray().Where(r => (int)r!["seed"]! == seed).ToList();
            Assert.Equal(3, runs.Count);
            Assert.Single(runs.Select(r => (string)r!["startPrompt"]!).Distinct());
            Assert.Single(runs.Select(r => (double)r!["startTest"]!).Distinct());
        }

        // The same command again: every run reopens from the store and replays from the cache, to the same table.
        Assert.True(JsonNode.DeepEquals(json["tasks"], JsonNode.Parse(again.Stdout)!["tasks"]));
        Assert.Equal(6, again.ErrorLines.Count(l => l.Contains("resumed from the store", StringComparison.Ordinal)));
        var html = File.ReadAllText((string)json["report"]!);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("dual-phase:no-initial", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Optimize_WithABudget_ReportsTheShareSpentAndWarnsBelow80Percent()
    {
        using var dir = new TempDirectory();

        var json = await OptimizeFixture.RunJsonAsync(dir); // max-steps: 2 given explicitly: a fixed plan under 600 + 30 calls
        var text = await CliHarness.RunAsync(OptimizeFixture.Args(dir), dir.Path);

        double share = json.GetProperty("budgetSpent").GetDouble();
        Assert.InRange(share, 0.0, 1.0);
        Assert.Equal(share < 0.8, json.GetProperty("spendWarning").ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Contains("budget spent", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_Text_PrintsATableAndTheReportPath()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(Small(dir, "opro,ape"), dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("| method | test (mean ± s.e.) | Δ vs best (± s.e.) | t |", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("## navigate", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("report: ", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dual-phase,nope", null, "unknown method 'nope'")]
    [InlineData("opro,opro", null, "'opro' is given twice")]
    [InlineData("opro,", null, "an empty method name")]
    [InlineData("expo", null, "runs an agent in an environment")]
    [InlineData("metaspo", null, "task suite")]
    [InlineData("opro", "1,x", "'x' is not an integer")]
    [InlineData("opro", "1,,2", "'' is not an integer")]
    [InlineData("opro", "3,3", "seed 3 is given twice")]
    public async Task Compare_BadMethodsOrSeeds_OneLineErrorExit2(string methods, string? seeds, string expected)
    {
        using var dir = new TempDirectory();
        var args = Small(dir, methods, seeds ?? "1,2", "300", "8");

        var run = await CliHarness.RunAsync(args, dir.Path);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error:", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
        Assert.False(File.Exists(Path.Combine(dir.Path, "s.db")), "no store, no call before validation");
    }

    [Theory]
    [InlineData("opro,dual-phase", "50", "100", "dual-phase")] // Dual-Phase needs 2·|V| + |V| = 60 task calls; OPRO 40
    [InlineData("protegi,dual-phase", "1000", "1", "protegi")] // the cheapest ProTeGi round needs 2 optimizer calls (a gradient and an edit)
    public async Task Compare_BudgetTooSmallForOneStep_NamesTheMethodExit2(string methods, string taskCalls, string optimizerCalls, string named)
    {
        using var dir = new TempDirectory();
        var args = Small(dir, methods, "1,2", taskCalls, optimizerCalls);

        var run = await CliHarness.RunAsync(args, dir.Path);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"too small for one step of {named}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_RealEndpointAboveMaxDollars_StopsBeforeTheFirstCall()
    {
        using var dir = new TempDirectory();
        const string model = "openai-compatible:http://127.0.0.1:9/v1|gpt-4o-mini";
        string[] args =
        [
            "compare", "--methods", "opro,ape", "--task", "navigate", "--task-model", model, "--optimizer-model", model, "--budget-task-calls", "3000",
            "--budget-optimizer-calls", "60", "--price", "gpt-4o-mini=100/100", "--store", Path.Combine(dir.Path, "s.db"),
        ];

        var refused = await CliHarness.RunAsync(args, dir.Path);
        var unbounded = await CliHarness.RunAsync(["compare", "--methods", "opro", "--task", "navigate", "--task-model", model, "--store", Path.Combine(dir.Path, "s.db")], dir.Path);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains(refused.ErrorLines, l => l.StartsWith("pre-flight: 6 runs", StringComparison.Ordinal));
        Assert.Contains(refused.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains("above --max-dollars 5", StringComparison.Ordinal) && l.Contains("--yes", StringComparison.Ordinal));
        Assert.Equal(2, unbounded.ExitCode);
        Assert.Contains("needs a budget per run", Assert.Single(unbounded.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "s.db")));
    }

    [Fact]
    public async Task Compare_OverHttpWithFaults_KilledOnceThenRerun_SameTable()
    {
        using var reference = new TempDirectory();
        using var dir = new TempDirectory();
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions
        {
            World = SimulatorModels.CreateWorld([BuiltInTasks.Create("multistep_arithmetic", SimServers.Seed)], options: new SimOptions { Seed = SimServers.Seed }),
            LatencyMean = TimeSpan.FromMilliseconds(5),
            Seed = SimServers.Seed,
            Faults = SimFaults.Of("500", 0.05, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1)),
        });
        var model = SimServers.ModelSpec(server);
        string[] Args(TempDirectory d) =>
        [
            "compare", "--methods", "dual-phase,opro", "--task", "multistep_arithmetic", "--seeds", "42", "--task-model", model, "--optimizer-model", model,
            "--train-size", "10", "--test-size", "20", "--budget-task-calls", "120", "--budget-optimizer-calls", "6", "--concurrency", "2",
            "--store", Path.Combine(d.Path, "s.db"), "--json",
        ];

        long before = server.Stats.Completed;
        var uninterrupted = await CliHarness.RunAsync(Args(reference), reference.Path);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());
        long paid = server.Stats.Completed - before;

        long start = server.Stats.Completed;
        var killed = await ChildCli.KillAfterAsync(server, Args(dir), dir.Path, start + (paid / 2), TimeSpan.FromSeconds(90));
        Assert.NotEqual(0, killed.ExitCode);
        var rerun = await CliHarness.RunAsync(Args(dir), dir.Path);

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.True(server.Stats.Faults > 0, "faults were injected");
        Assert.Contains(rerun.ErrorLines, l => l.Contains("resumed from the store", StringComparison.Ordinal));
        var expected = JsonNode.Parse(uninterrupted.Stdout)!["tasks"];
        var actual = JsonNode.Parse(rerun.Stdout)!["tasks"];
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected\n{expected}\nactual\n{actual}");
    }
}
