using System.Text.Json;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

public class OptimizeTests
{
    [Fact]
    public async Task Optimize_SpecOnTheSimulator_JsonIsOneObjectWithBestPromptScoresUsageAndPaths()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(OptimizeFixture.Args(dir, "--json"), dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal("optimize", json.GetProperty("command").GetString());
        Assert.Equal("dual-phase", json.GetProperty("method").GetString());
        Assert.Equal("multistep_arithmetic", json.GetProperty("task").GetString());
        Assert.True(json.GetProperty("simulated").GetBoolean());
        Assert.Matches("^dual-phase-multistep_arithmetic-s42-[0-9a-f]{8}$", json.GetProperty("runId").GetString());
        Assert.Contains("{question}", OptimizeFixture.BestPrompt(json).User, StringComparison.Ordinal);
        var scores = json.GetProperty("scores");
        Assert.InRange(scores.GetProperty("test").GetDouble(), 0, 1);
        Assert.InRange(scores.GetProperty("startTest").GetDouble(), 0, 1);
        Assert.True(scores.GetProperty("train").GetDouble() >= scores.GetProperty("startTrain").GetDouble());
        var usage = json.GetProperty("usage");
        Assert.True(usage.GetProperty("calls").GetInt64() > 0);
        Assert.Equal(usage.GetProperty("calls").GetInt64(), usage.GetProperty("paidCalls").GetInt64() + usage.GetProperty("cacheHits").GetInt64());
        Assert.True(usage.GetProperty("byRole").GetProperty("optimizer").GetProperty("calls").GetInt64() > 0);
        Assert.Equal(80, usage.GetProperty("byRole").GetProperty("test").GetProperty("calls").GetInt64()); // start + best on 40 test examples
        Assert.True(json.GetProperty("estimate").GetProperty("taskCalls").GetInt64() > 0);
        Assert.True(File.Exists(json.GetProperty("artifact").GetString()));
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(json.GetProperty("report").GetString()!), StringComparison.Ordinal);
        Assert.Equal(Path.Combine(dir.Path, "artifacts", json.GetProperty("runId").GetString() + ".json"), json.GetProperty("artifact").GetString());
        Assert.Equal(Path.Combine(dir.Path, "reports", json.GetProperty("runId").GetString() + ".html"), json.GetProperty("report").GetString());

        // Progress on stderr: the run id first, the call estimate before any step, one line per step.
        var lines = run.ErrorLines;
        int estimate = Array.FindIndex(lines.ToArray(), l => l.StartsWith("estimated calls: ~", StringComparison.Ordinal));
        int firstStep = Array.FindIndex(lines.ToArray(), l => l.StartsWith("step 1/2", StringComparison.Ordinal));
        Assert.StartsWith("run " + json.GetProperty("runId").GetString(), lines[0], StringComparison.Ordinal);
        Assert.InRange(estimate, 1, firstStep - 1);
    }

    [Fact]
    public async Task Optimize_SameCommandAgain_ResumesTheSameRunPayingNothing()
    {
        using var dir = new TempDirectory();
        var first = await OptimizeFixture.RunJsonAsync(dir);

        var second = await OptimizeFixture.RunJsonAsync(dir);

        Assert.Equal(first.GetProperty("runId").GetString(), second.GetProperty("runId").GetString());
        Assert.False(first.GetProperty("resumed").GetBoolean());
        Assert.True(second.GetProperty("resumed").GetBoolean());
        Assert.Equal(0, second.GetProperty("usage").GetProperty("paidCalls").GetInt64());
        Assert.Equal(first.GetProperty("usage").GetProperty("calls").GetInt64(), second.GetProperty("usage").GetProperty("cacheHits").GetInt64());
        Assert.Equal(OptimizeFixture.BestPrompt(first), OptimizeFixture.BestPrompt(second));

        var runs = await CliHarness.RunAsync(["runs", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path);
        var listed = Assert.Single(runs.Json().GetProperty("runs").EnumerateArray());
        Assert.Equal("completed", listed.GetProperty("status").GetString());
        Assert.Equal("multistep_arithmetic", listed.GetProperty("task").GetString());
    }

    [Fact]
    public async Task Optimize_FlagsOverrideTheSpec_AndChangeTheDerivedRunId()
    {
        using var dir = new TempDirectory();
        var fromSpec = await OptimizeFixture.RunJsonAsync(dir);

        var withFlags = await OptimizeFixture.RunJsonAsync(dir, "--seed", "7", "--set", "max-steps=1", "--budget-optimizer-calls", "20");

        Assert.Equal(7, withFlags.GetProperty("seed").GetInt32());
        Assert.Matches("^dual-phase-multistep_arithmetic-s7-[0-9a-f]{8}$", withFlags.GetProperty("runId").GetString());
        Assert.NotEqual(fromSpec.GetProperty("runId").GetString(), withFlags.GetProperty("runId").GetString());
        Assert.True(withFlags.GetProperty("candidates").GetInt32() < fromSpec.GetProperty("candidates").GetInt32());
    }

    [Fact]
    public async Task Optimize_FlagsOnly_RunWithoutASpecFile()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(
            ["optimize", "--method", "dual-phase", "--task", "boolean_expressions", "--task-model", "sim", "--train-size", "10", "--test-size", "20",
             "--set", "max-steps=1", "--run-id", "flags-only", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("flags-only", run.Json().GetProperty("runId").GetString());
        Assert.Equal("sim", run.Json().GetProperty("models").GetProperty("optimizer").GetString()); // defaults to the task model
    }

    [Fact]
    public async Task Optimize_MetaSpoSuite_SavesTheSystemPromptAndEachSourceTasksUserPrompt()
    {
        using var dir = new TempDirectory();
        dir.Write("suites/tiny.yaml", "name: tiny\nsource:\n  - task: multistep_arithmetic\n  - task: boolean_expressions\nunseen:\n  - task: navigate\n");
        dir.Write("metaspo.yaml", """
            method: metaspo
            suite: suites/tiny.yaml
            task-model: sim
            train-size: 10
            test-size: 20
            options:
              iterations: 1
              system-candidates: 2
              user-candidates: 1
              unseen-user-prompts: 1
              test-time-adaptation: true
              tta-iterations: 1
              tta-candidates: 1
              tta-beam-size: 1
            """);

        var run = await CliHarness.RunAsync(["optimize", "metaspo.yaml", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal("metaspo", json.GetProperty("method").GetString());
        Assert.Equal("tiny", json.GetProperty("task").GetString());
        Assert.Equal("multistep_arithmetic", json.GetProperty("scoredTask").GetString());
        Assert.Matches("^metaspo-tiny-s42-[0-9a-f]{8}$", json.GetProperty("runId").GetString());
        using var artifact = JsonDocument.Parse(File.ReadAllText(json.GetProperty("artifact").GetString()!));
        Assert.False(string.IsNullOrWhiteSpace(artifact.RootElement.GetProperty("system").GetString()));
        Assert.Equal(
            ["multistep_arithmetic", "boolean_expressions"],
            artifact.RootElement.GetProperty("source_tasks").EnumerateArray().Select(t => t.GetProperty("task").GetString()));

        // The protocols' tables printed in text mode are in the JSON too (issue 16, item 9).
        Assert.StartsWith("Unseen generalization", json.GetProperty("unseenGeneralization").GetProperty("title").GetString());
        Assert.NotEqual(0, json.GetProperty("unseenGeneralization").GetProperty("rows").GetArrayLength());
        Assert.NotEqual(0, json.GetProperty("testTimeAdaptation").GetProperty("rows").GetArrayLength());

        // 'runs' shows the run's own best score (its report's), not the best of its per-task candidates (item 8).
        var runs = await CliHarness.RunAsync(["runs", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path);
        var listed = Assert.Single(runs.Json().GetProperty("runs").EnumerateArray());
        Assert.Equal(json.GetProperty("scores").GetProperty("train").GetDouble(), listed.GetProperty("bestScore").GetDouble());
    }

    [Fact]
    public async Task Optimize_Plain_PrintsTheBestPromptAndLabelsEveryScoreSimulated()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(OptimizeFixture.Args(dir), dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("best prompt (simulated):", lines[0]);
        Assert.Matches(@"^test score +0\.\d{3} numeric \(start prompt 0\.\d{3}, [+-]0\.\d{3}\) \(simulated\)$", lines.Single(l => l.StartsWith("test score", StringComparison.Ordinal)));
        Assert.EndsWith("(simulated)", lines.Single(l => l.StartsWith("train score", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Matches(@"^calls +\d+ \(\d+ paid, \d+ cached\)", lines.Single(l => l.StartsWith("calls", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("artifact", StringComparison.Ordinal) && l.EndsWith(".json", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("report", StringComparison.Ordinal) && l.EndsWith(".html", StringComparison.Ordinal));
        Assert.All(run.ErrorLines.Where(l => l.StartsWith("step ", StringComparison.Ordinal)), l => Assert.Contains("(simulated)", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Optimize_BudgetTooSmall_WarnsBeforeTheFirstCallAndStopsWithTheBudget()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(OptimizeFixture.Args(dir, "--budget-task-calls", "5", "--json"), dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal("budget", json.GetProperty("stopReason").GetString());
        Assert.Contains("too small for one meaningful dual-phase step", json.GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, json.GetProperty("usage").GetProperty("byRole").GetProperty("task").GetProperty("calls").GetInt64());
        var lines = run.ErrorLines.ToList();
        int estimate = lines.FindIndex(l => l.StartsWith("estimated calls:", StringComparison.Ordinal));
        Assert.StartsWith("warning: the budget (5 task calls, 30 optimizer calls) is too small", lines[estimate + 1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Optimize_AutoWithoutEndpoint_PrintsTheSimulatedBannerOnce()
    {
        using var dir = new TempDirectory();
        dir.Write("auto.yaml", OptimizeFixture.Spec.Replace("task-model: sim", "task-model: auto", StringComparison.Ordinal)
            .Replace("optimizer-model: sim", "optimizer-model: auto", StringComparison.Ordinal));

        var run = await CliHarness.RunAsync(["optimize", "auto.yaml", "--store", OptimizeFixture.StorePath(dir)], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Single(run.ErrorLines, l => l.Contains("SIMULATED", StringComparison.Ordinal));
    }

    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["optimize", "--method", "nope", "--task", "multistep_arithmetic"], "unknown method 'nope' (known: " },
        { ["optimize", "--method", "dual-phase", "--task", "no_such_task"], "no_such_task" },
        { ["optimize", "typo.yaml"], "typo.yaml:3: unknown key 'optimiser-model' in the run spec; did you mean 'optimizer-model'?" },
        { ["optimize", "missing.yaml"], "missing.yaml: run spec file not found" },
        { ["optimize", "spec.yaml", "--set", "no-such-option=1"], "unknown option 'no-such-option'" },
        { ["optimize", "spec.yaml", "--set", "max-steps"], "--set 'max-steps': expected key=value" },
        { ["optimize", "spec.yaml", "--set", "max-steps=many"], "--set max-steps=many: option 'max-steps': 'many' is not an integer" },
        { ["optimize", "spec.yaml", "--run-id", "bad id!"], "invalid run id 'bad id!'" },
        { ["optimize", "--task", "multistep_arithmetic"], "no method: give --method" },
        { ["optimize", "--method", "dual-phase"], "no task: give --task" },
        { ["optimize", "spec.yaml", "--task-model", "nonsense:x"], "nonsense" },
        { ["optimize", "spec.yaml", "--price", "gpt-4o=cheap"], "--price: price 'gpt-4o=cheap' is not of the form" },
        { ["optimize", "spec.yaml", "--budget-task-calls", "-5"], "budget limits must be 0 or more" },
        { ["optimize", "spec.yaml", "--train-size", "0"], "--train-size must be at least 1" },
        { ["optimize", "a.yaml", "b.yaml"], "unknown command, option or argument 'b.yaml'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Optimize_BadInput_IsOneLineErrorExit2BeforeAnyCall(string[] args, string expected)
    {
        using var dir = new TempDirectory();
        dir.Write("spec.yaml", OptimizeFixture.Spec);
        dir.Write("typo.yaml", "method: dual-phase\ntask: multistep_arithmetic\noptimiser-model: sim\n");
        var store = OptimizeFixture.StorePath(dir);

        var run = await CliHarness.RunAsync([.. args, "--store", store], dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.False(File.Exists(store)); // nothing opened, nothing paid
    }

    [Fact]
    public async Task Optimize_BadInputWithJson_IsOneErrorObject()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(["optimize", "--method", "nope", "--task", "navigate", "--json"], dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(2, run.Json().GetProperty("error").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Optimize_ExistingRunIdWithAnotherSpec_IsBadInput()
    {
        using var dir = new TempDirectory();
        await OptimizeFixture.RunJsonAsync(dir, "--run-id", "mine");

        var clash = await CliHarness.RunAsync(OptimizeFixture.Args(dir, "--run-id", "mine", "--seed", "3"), dir.Path);

        Assert.Equal(2, clash.ExitCode);
        Assert.Equal("error: run 'mine' already exists in the store with a different spec; choose another run id, or omit it to derive one from the spec", clash.ErrorLines[^1]);
    }

    [Fact]
    public async Task Optimize_CancelledMidway_Exits130MarkedInterruptedAndRerunEndsLikeAnUninterruptedRun()
    {
        const int Concurrency = 2;
        using var reference = new TempDirectory();
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.FromMilliseconds(15));
        var model = SimServers.ModelSpec(server);
        string[] flags = ["--task-model", model, "--optimizer-model", model, "--concurrency", Concurrency.ToString(), "--train-size", "10", "--test-size", "20", "--json"];

        long before = server.Stats.Completed;
        var uninterrupted = await OptimizeFixture.RunJsonAsync(reference, flags);
        long paidUninterrupted = server.Stats.Completed - before;
        Assert.Equal(paidUninterrupted, uninterrupted.GetProperty("usage").GetProperty("paidCalls").GetInt64());

        using var cts = new CancellationTokenSource();
        long start = server.Stats.Completed;
        var running = CliHarness.RunAsync(OptimizeFixture.Args(dir, flags), dir.Path, cancellationToken: cts.Token);
        await SimServers.WaitForCompletedAsync(server, start + (paidUninterrupted / 3), TimeSpan.FromSeconds(60));
        await cts.CancelAsync();
        var cancelled = await running;
        await SimServers.WaitForQuietAsync(server);
        long paidByCancelled = server.Stats.Completed - start;

        Assert.True(cancelled.ExitCode == 130, cancelled.ToString());
        Assert.Contains("cancelled", cancelled.ErrorLines[^1], StringComparison.Ordinal);
        Assert.InRange(paidByCancelled, 1, paidUninterrupted - 1);
        var listed = Assert.Single((await CliHarness.RunAsync(["runs", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path)).Json().GetProperty("runs").EnumerateArray());
        Assert.Equal("interrupted", listed.GetProperty("status").GetString());

        long beforeRerun = server.Stats.Completed;
        var rerun = await OptimizeFixture.RunJsonAsync(dir, flags);
        long paidByRerun = server.Stats.Completed - beforeRerun;

        Assert.True(rerun.GetProperty("resumed").GetBoolean());
        Assert.Equal(OptimizeFixture.BestPrompt(uninterrupted), OptimizeFixture.BestPrompt(rerun));
        Assert.Equal(uninterrupted.GetProperty("scores").GetProperty("test").GetDouble(), rerun.GetProperty("scores").GetProperty("test").GetDouble());
        Assert.Equal(paidByRerun, rerun.GetProperty("usage").GetProperty("paidCalls").GetInt64());
        // Nothing paid twice, except calls in flight at the cancellation (at most --concurrency per model).
        Assert.InRange(paidByCancelled + paidByRerun, paidUninterrupted, paidUninterrupted + (2 * Concurrency));
    }

    [Fact]
    public async Task Optimize_Artifact_RoundTripsThroughEvalWithTheSameTestScore()
    {
        using var dir = new TempDirectory();
        var json = await OptimizeFixture.RunJsonAsync(dir);
        var artifact = json.GetProperty("artifact").GetString()!;

        var eval = await CliHarness.RunAsync(
            ["eval", "--task", "multistep_arithmetic", "--prompt", "@" + artifact, "--model", "sim", "--limit", "40", "--store", OptimizeFixture.StorePath(dir), "--json"],
            dir.Path);

        Assert.True(eval.ExitCode == 0, eval.ToString());
        var e = eval.Json();
        var (system, user) = OptimizeFixture.BestPrompt(json);
        Assert.Equal(user, e.GetProperty("prompt").GetProperty("user").GetString());
        Assert.Equal(system, e.GetProperty("prompt").GetProperty("system").GetString());
        Assert.Equal(json.GetProperty("scores").GetProperty("test").GetDouble(), e.GetProperty("score").GetDouble(), 9);
        using var doc = JsonDocument.Parse(File.ReadAllText(artifact));
        Assert.Equal("promptopt.prompt", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal(json.GetProperty("runId").GetString(), doc.RootElement.GetProperty("run_id").GetString());
        Assert.True(doc.RootElement.GetProperty("simulated").GetBoolean());
    }
}
