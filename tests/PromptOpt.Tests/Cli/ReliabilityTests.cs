using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PromptOpt.Cli;
using PromptOpt.Optimizers;
using PromptOpt.Tests.Models;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>Issue 16: one run at a time, bounded waits, no leaked key, every attempt's usage, stores that cannot be written.</summary>
public class ReliabilityTests
{
    private const string Key = "zq-live-4f9c2b7e81a04d6e";

    // ---- item 1: one run at a time ----

    [Fact]
    public async Task Optimize_SameRunStartedTwiceOnOneStore_SecondProcessStopsNamingTheHolderWithExitCode4()
    {
        using var dir = new TempDirectory();
        // Slow enough (~160 calls one at a time) that the first process is still running when the second starts.
        await using var server = await SimServers.StartAsync(TimeSpan.FromMilliseconds(40));
        var model = SimServers.ModelSpec(server);
        var args = OptimizeFixture.Args(dir, "--task-model", model, "--optimizer-model", model, "--concurrency", "1", "--run-id", "shared-run");

        using var child = ChildCli.Start(args, dir.Path, out var childOut, out var childErr);
        try
        {
            if (!await SimServers.WaitForCompletedAsync(server, 5, TimeSpan.FromSeconds(60), giveUp: () => child.HasExited))
            {
                Assert.Fail("the first process ended before it got going: " + await childErr);
            }

            var second = await CliHarness.RunAsync(args, dir.Path);

            Assert.True(second.ExitCode == ExitCodes.RunInUse, second.ToString());
            Assert.False(child.HasExited, "the first process must still be running for this test to mean anything");
            var error = Assert.Single(second.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal));
            Assert.Contains($"run 'shared-run' is being run by process {child.Id} on {Environment.MachineName}", error);
            Assert.DoesNotContain("   at ", second.Stderr);
        }
        finally
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }

        Assert.True(child.ExitCode == 0, await childOut + await childErr);

        // The first run's record is whole: one attempt, one RunStarted event (not two interleaved logs).
        using var store = new PromptOpt.Storage.PromptOptStore(OptimizeFixture.StorePath(dir));
        Assert.Single(await store.GetAttemptsAsync("shared-run"));
        Assert.Single(await store.GetEventsAsync("shared-run"), e => e.Type == nameof(RunStarted));
    }

    [Fact]
    public async Task Eval_TwoProcessesMakeTheSameCallsAtOnceOnOneStore_EachCallIsPaidOnce()
    {
        using var dir = new TempDirectory();
        // Each call takes 3 s at the server, so the child's calls are still in flight when this process makes them too.
        await using var server = await SimServers.StartAsync(TimeSpan.FromSeconds(3));
        var store = Path.Combine(dir.Path, "s.db");
        string[] Eval(int limit) =>
            ["eval", "--task", "multistep_arithmetic", "--prompt", "Solve it.", "--limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--concurrency", "8", "--json", "--model", SimServers.ModelSpec(server), "--store", store];

        using var child = ChildCli.Start(Eval(6), dir.Path, out var childOut, out var childErr);
        CliRun second;
        try
        {
            await WaitForRequestsAsync(server, 6, giveUp: () => child.HasExited, explain: childErr);

            // Another run (its limit differs) on the same store: the child's 6 calls and one more.
            second = await CliHarness.RunAsync(Eval(7), dir.Path);
        }
        finally
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }

        await SimServers.WaitForQuietAsync(server);
        Assert.True(child.ExitCode == 0, await childOut + await childErr);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(7, server.Stats.Completed); // 13 before claims: both processes paid for the 6 shared calls
        var usage = second.Json().GetProperty("usage");
        Assert.Equal(1, usage.GetProperty("paidCalls").GetInt64());
        Assert.Equal(6, usage.GetProperty("cacheHits").GetInt64());
        using var childJson = JsonDocument.Parse(await childOut);
        Assert.Equal(6, childJson.RootElement.GetProperty("usage").GetProperty("paidCalls").GetInt64());
    }

    [Fact]
    public async Task Eval_ClaimsOfAKilledProcess_AreTakenOverAtOnceByTheNextProcess()
    {
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.FromSeconds(2));
        string[] args = ["eval", "--task", "multistep_arithmetic", "--prompt", "Solve it.", "--limit", "4", "--concurrency", "4", "--json",
            "--model", SimServers.ModelSpec(server), "--store", Path.Combine(dir.Path, "s.db")];

        using (var child = ChildCli.Start(args, dir.Path, out _, out var childErr))
        {
            try
            {
                await WaitForRequestsAsync(server, 4, giveUp: () => child.HasExited, explain: childErr);
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL with 4 claims held: nothing releases them
                await child.WaitForExitAsync();
            }
        }

        await SimServers.WaitForQuietAsync(server);
        using (var store = new PromptOpt.Storage.PromptOptStore(Path.Combine(dir.Path, "s.db")))
        {
            Assert.Equal(0, await store.CountCacheEntriesAsync()); // the child died before storing any answer
        }

        // The claims' own bound is 60 s × 6 attempts and more: a rerun that finishes in seconds took them over.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        var rerun = await CliHarness.RunAsync(args, dir.Path, cancellationToken: bound.Token);

        Assert.True(rerun.ExitCode == 0, "the rerun must not wait for a dead process's claims: " + rerun);
        Assert.Equal(4, rerun.Json().GetProperty("usage").GetProperty("paidCalls").GetInt64());
    }

    private static async Task WaitForRequestsAsync(PromptOpt.Simulation.Server.SimulatorServer server, long count, Func<bool> giveUp, Task<string> explain)
    {
        var watch = Stopwatch.StartNew();
        while (server.Stats.Requests < count)
        {
            if (giveUp())
            {
                Assert.Fail("the child ended before it made its calls: " + await explain);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"the child made only {server.Stats.Requests} of {count} requests in 60 s");
            await Task.Delay(10);
        }
    }

    // ---- item 2: bounded waits ----

    [Fact]
    public async Task Eval_ConnectionRefused_FailsFastAfterThreeQuickTriesWithOneLine()
    {
        using var dir = new TempDirectory();
        int port = FreePort();

        var run = await CliHarness.RunAsync(
            ["eval", "--task", "navigate", "--prompt", "Decide.", "--limit", "12", "--model", $"openai-compatible:http://127.0.0.1:{port}/v1|m", "--store", Path.Combine(dir.Path, "s.db")], dir.Path);

        Assert.True(run.ExitCode == ExitCodes.RuntimeFailure, run.ToString());
        var error = Assert.Single(run.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"cannot connect to http://127.0.0.1:{port}/v1: connection refused", error);
        Assert.Contains("gave up after 3 attempts", error);
    }

    [Fact]
    public async Task Eval_TimeoutFlag_AbandonsASlowCallAndRetriesIt_AndReportsTheRetry()
    {
        using var dir = new TempDirectory();
        int calls = 0;
        await using var server = await LoopbackServer.StartAsync(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal) && Interlocked.Increment(ref calls) == 1
            ? ScriptedResponse.Completion("Yes") with { Delay = TimeSpan.FromSeconds(20) }
            : ScriptedResponse.Completion("Yes"));

        var run = await CliHarness.RunAsync(
            ["eval", "--task", "navigate", "--prompt", "Decide.", "--limit", "1", "--timeout", "300ms", "--json",
             "--model", $"openai-compatible:{server.BaseUrl.ToString().TrimEnd('/')}|m", "--store", Path.Combine(dir.Path, "s.db")], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var usage = run.Json().GetProperty("usage");
        Assert.Equal(1, usage.GetProperty("retries").GetInt64()); // eval reports retries (item 9)
        Assert.Equal(2, Volatile.Read(ref calls)); // the slow call was abandoned after 300 ms, not waited out
    }

    [Theory]
    [InlineData(new[] { "--timeout", "0" }, null, "--timeout: '0' is not a timeout")]
    [InlineData(new[] { "--timeout", "soon" }, null, "--timeout: 'soon' is not a timeout")]
    [InlineData(new string[0], "forever", "PROMPTOPT_TIMEOUT: 'forever' is not a timeout")]
    public async Task Eval_BadTimeout_IsOneLineError(string[] flags, string? env, string expected)
    {
        using var dir = new TempDirectory();
        var environment = env is null ? null : new Dictionary<string, string> { [CallTimeouts.EnvironmentVariable] = env };

        var run = await CliHarness.RunAsync(["eval", "--task", "navigate", "--prompt", "Decide.", "--model", "sim", .. flags, "--store", Path.Combine(dir.Path, "s.db")], dir.Path, environment);

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains(expected, Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("30", 30_000)]
    [InlineData("1500ms", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("0.5s", 500)]
    public void CallTimeouts_Parse_ReadsDurations(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), CallTimeouts.Parse(text, "--timeout"));

    [Fact]
    public void CallTimeouts_Resolve_FlagOverSpecOverEnvironmentOverDefault()
    {
        var env = new Dictionary<string, string> { [CallTimeouts.EnvironmentVariable] = "7s" };
        var context = new CliContext(TextWriter.Null, TextWriter.Null, environment: n => env.GetValueOrDefault(n));

        Assert.Equal(TimeSpan.FromSeconds(5), CallTimeouts.Resolve(context, "5s", "6s"));
        Assert.Equal(TimeSpan.FromSeconds(6), CallTimeouts.Resolve(context, null, "6s"));
        Assert.Equal(TimeSpan.FromSeconds(7), CallTimeouts.Resolve(context, null, null));
        Assert.Equal(CallTimeouts.Default, CallTimeouts.Resolve(new CliContext(TextWriter.Null, TextWriter.Null, environment: _ => null), null, null));
    }

    [Fact]
    public async Task Eval_StderrRedirected_PrintsProgressLinesWithCallsAndWhatItWaitsOn()
    {
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.FromMilliseconds(150));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, environment: _ => null, workingDirectory: dir.Path) { ProgressInterval = TimeSpan.FromMilliseconds(40) };

        int code = await CliApp.InvokeAsync(
            ["eval", "--task", "multistep_arithmetic", "--prompt", "Solve it.", "--limit", "5", "--concurrency", "1", "--model", SimServers.ModelSpec(server), "--store", Path.Combine(dir.Path, "s.db")],
            context);

        Assert.True(code == 0, stderr.ToString());
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("progress: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(@"^progress: eval multistep_arithmetic: \d+/5 examples; \d+ calls done \(\d+ paid, \d+ cached\), \d+ retries; ", l));
        Assert.Contains(lines, l => l.Contains("waiting on 1 call to the task model openai-compatible:", StringComparison.Ordinal));
    }

    // ---- item 4: no leaked key ----

    [Theory]
    [InlineData(400)]
    [InlineData(500)]
    public async Task Eval_Verbose_EndpointEchoesTheKeyInItsErrorBody_KeyNeverPrinted(int status)
    {
        using var dir = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync(_ =>
            ScriptedResponse.Error(status, $"Incorrect API key provided: {Key}. Bearer {Key}", LoopbackServer.RetryAfter(0)));
        var env = new Dictionary<string, string> { ["PT_KEY"] = Key };

        var run = await CliHarness.RunAsync(
            ["eval", "--task", "navigate", "--prompt", "Decide.", "--limit", "12", "--concurrency", "2", "--verbose", "--json",
             "--model", $"openai-compatible:{server.BaseUrl.ToString().TrimEnd('/')}|m|PT_KEY", "--store", Path.Combine(dir.Path, "s.db")], dir.Path, env);

        Assert.True(run.ExitCode == ExitCodes.RuntimeFailure, run.ToString());
        Assert.Contains("   at ", run.Stderr); // the stack trace is there (--verbose) …
        Assert.Contains("***", run.Stderr); // … with the echoed key masked in it
        Assert.DoesNotContain(Key, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[3..15], run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    // ---- item 5: every attempt's usage ----

    [Fact]
    public async Task Optimize_SecondRunOfAFinishedRun_KeepsTheFirstRunsPaidCallsInRecordReportAndRuns()
    {
        using var dir = new TempDirectory();
        var first = await OptimizeFixture.RunJsonAsync(dir);
        long paid = first.GetProperty("usage").GetProperty("paidCalls").GetInt64();
        Assert.True(paid > 0);

        var second = await OptimizeFixture.RunJsonAsync(dir);

        Assert.Equal(0, second.GetProperty("usage").GetProperty("paidCalls").GetInt64()); // this attempt: all cached
        var all = second.GetProperty("usage").GetProperty("allAttempts");
        Assert.Equal(paid, all.GetProperty("paidCalls").GetInt64());
        Assert.Equal(2 * first.GetProperty("usage").GetProperty("calls").GetInt64(), all.GetProperty("calls").GetInt64());

        var runs = await CliHarness.RunAsync(["runs", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path);
        var listed = Assert.Single(runs.Json().GetProperty("runs").EnumerateArray());
        Assert.Equal(2, listed.GetProperty("attempts").GetInt32());
        Assert.Equal(paid, listed.GetProperty("usage").GetProperty("paidCalls").GetInt64());

        var runId = second.GetProperty("runId").GetString()!;
        var md = Path.Combine(dir.Path, "r.md");
        var report = await CliHarness.RunAsync(["report", runId, "--format", "md", "--out", md, "--store", OptimizeFixture.StorePath(dir)], dir.Path);
        Assert.True(report.ExitCode == 0, report.ToString());
        var text = File.ReadAllText(md);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"all 2 attempts: {2 * first.GetProperty("usage").GetProperty("calls").GetInt64():N0} ({paid:N0} paid"), text);
        Assert.Contains("| **all attempts** |", text);
    }

    // ---- item 6: stores that cannot be written ----

    [Fact]
    public async Task ReadOnlyStore_RunsReportAndFinishedEvalWork_AWriteSaysSoPlainly()
    {
        using var dir = new TempDirectory();
        var optimize = await OptimizeFixture.RunJsonAsync(dir);
        var runId = optimize.GetProperty("runId").GetString()!;
        string[] eval = ["eval", "--task", "navigate", "--prompt", "Decide.", "--model", "sim", "--limit", "5", "--json", "--store", OptimizeFixture.StorePath(dir)];
        var first = await CliHarness.RunAsync(eval, dir.Path);
        Assert.True(first.ExitCode == 0, first.ToString());
        using var elsewhere = new TempDirectory();

        using (ReadOnlyPaths.Protect(OptimizeFixture.StorePath(dir), dir.Path))
        {
            var runs = await CliHarness.RunAsync(["runs", "--store", OptimizeFixture.StorePath(dir)], dir.Path);
            Assert.True(runs.ExitCode == 0, runs.ToString());
            Assert.Contains(runId, runs.Stdout);

            var report = await CliHarness.RunAsync(["report", runId, "--out", Path.Combine(elsewhere.Path, "r.html"), "--store", OptimizeFixture.StorePath(dir)], dir.Path);
            Assert.True(report.ExitCode == 0, report.ToString());

            var again = await CliHarness.RunAsync(eval, dir.Path);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(first.Json().GetProperty("score").GetDouble(), again.Json().GetProperty("score").GetDouble());

            var fresh = await CliHarness.RunAsync(["eval", "--task", "navigate", "--prompt", "Something new.", "--model", "sim", "--limit", "5", "--store", OptimizeFixture.StorePath(dir)], dir.Path);
            Assert.True(fresh.ExitCode == ExitCodes.BadInput, fresh.ToString());
            var error = Assert.Single(fresh.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal));
            Assert.Contains($"the store '{OptimizeFixture.StorePath(dir)}' cannot be written", error);
            Assert.Contains("permissions", error);

            var optimizeAgain = await CliHarness.RunAsync(OptimizeFixture.Args(dir), dir.Path);
            Assert.True(optimizeAgain.ExitCode == ExitCodes.BadInput, optimizeAgain.ToString());
            Assert.Contains("cannot be written", optimizeAgain.Stderr);
            Assert.DoesNotContain("   at ", optimizeAgain.Stderr);
        }
    }

    [Fact]
    public async Task CorruptStore_MiddleOfTheFile_IsOneLineNamingTheFileExitTwo()
    {
        using var dir = new TempDirectory();
        await OptimizeFixture.RunJsonAsync(dir);
        var path = OptimizeFixture.StorePath(dir);
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 3 * 4096);
        for (int i = 4096; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31); // every page after the header page
        }

        File.WriteAllBytes(path, bytes);

        foreach (var args in new[] { ["runs", "--store", path], OptimizeFixture.Args(dir), new[] { "eval", "--task", "navigate", "--prompt", "x", "--model", "sim", "--store", path } })
        {
            var run = await CliHarness.RunAsync(args, dir.Path);

            Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
            var error = Assert.Single(run.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal));
            Assert.StartsWith($"error: the store '{path}' is damaged", error);
            Assert.DoesNotContain("   at ", run.Stderr);
            Assert.Contains("give a new --store", error);
        }
    }

    [Fact]
    public async Task Store_ExistingDirectory_UsesPromptoptDbInsideAndSaysSo()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "stores"));

        var run = await CliHarness.RunAsync(["eval", "--task", "navigate", "--prompt", "Decide.", "--model", "sim", "--limit", "2", "--store", "stores"], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"note: the store 'stores' is a directory: using {Path.Combine(dir.Path, "stores", "promptopt.db")}", run.Stderr);
        Assert.True(File.Exists(Path.Combine(dir.Path, "stores", "promptopt.db")));
    }

    // ---- item 8: messages ----

    [Fact]
    public async Task Optimize_UnknownMethod_ListsTheSameMethodsAsHelp()
    {
        var run = await CliHarness.RunAsync("optimize", "--method", "nope", "--task", "navigate");
        var help = await CliHarness.RunAsync("optimize", "--help");

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        var error = Assert.Single(run.ErrorLines);
        foreach (var name in OptimizerRegistry.AllNames)
        {
            Assert.Contains(name, error);
            Assert.Contains(name, help.Stdout);
        }
    }

    [Fact]
    public async Task Optimize_InvalidOptionInSpec_NamesSpecKeyFileAndLine()
    {
        using var dir = new TempDirectory();
        dir.Write("spec.yaml", OptimizeFixture.Spec.Replace("max-steps: 2", "max-steps: 5000", StringComparison.Ordinal));
        int line = Array.FindIndex(File.ReadAllLines(Path.Combine(dir.Path, "spec.yaml")), l => l.Contains("max-steps", StringComparison.Ordinal)) + 1;

        var run = await CliHarness.RunAsync(["optimize", "spec.yaml", "--store", OptimizeFixture.StorePath(dir)], dir.Path);
        var flag = await CliHarness.RunAsync(["optimize", "spec.yaml", "--set", "max-steps=-1", "--store", OptimizeFixture.StorePath(dir)], dir.Path);

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Equal($"error: {Path.Combine(dir.Path, "spec.yaml")}:{line}: option 'max-steps' must be between 0 and 1000, got 5000", Assert.Single(run.ErrorLines));
        Assert.Equal("error: --set max-steps=-1: option 'max-steps' must be between 0 and 1000, got -1", Assert.Single(flag.ErrorLines));
    }

    [Fact]
    public async Task Optimize_FirstRunSaysNothingOfResuming_SecondSaysItResumes()
    {
        using var dir = new TempDirectory();

        var first = await CliHarness.RunAsync(OptimizeFixture.Args(dir), dir.Path);
        var second = await CliHarness.RunAsync(OptimizeFixture.Args(dir), dir.Path);

        Assert.DoesNotContain("resume", first.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("interrupted", first.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(second.ErrorLines, l => l.StartsWith("resuming run dual-phase-multistep_arithmetic-s42-", StringComparison.Ordinal) && l.Contains("(attempt 2)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Optimize_OnlyTheTaskModelGiven_BannerNamesTheSimulatedRole()
    {
        using var dir = new TempDirectory();
        dir.Write("spec.yaml", OptimizeFixture.Spec.Replace("optimizer-model: sim", "optimizer-model: auto", StringComparison.Ordinal));

        var run = await CliHarness.RunAsync(["optimize", "spec.yaml", "--store", OptimizeFixture.StorePath(dir)], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var banner = Assert.Single(run.ErrorLines, l => l.Contains("SIMULATED", StringComparison.Ordinal));
        Assert.Contains("the optimizer model is 'auto'", banner);
        Assert.DoesNotContain("task and optimizer", banner);
    }

    [Fact]
    public async Task Report_Header_LabelsModelRolesAndNamesTheTask()
    {
        using var dir = new TempDirectory();
        var json = await OptimizeFixture.RunJsonAsync(dir);
        var html = File.ReadAllText(json.GetProperty("report").GetString()!);

        Assert.Contains(">task model: sim<", html);
        Assert.Contains(">optimizer model: sim<", html);
        Assert.Contains(">task: multistep_arithmetic<", html);
    }

    [Fact]
    public async Task Optimize_Expo_ReportLabelsTheTrajectoryByItsMeasure_AndRunsShowsTheRunsOwnScore()
    {
        using var dir = new TempDirectory();
        var run = await CliHarness.RunAsync(["optimize", "--method", "expo", "--env", "bandit-easy", "--steps", "6", "--agent-model", "sim", "--optimizer-model", "sim",
            "--set", "network-epochs=2", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        var md = Path.Combine(dir.Path, "r.md");

        var report = await CliHarness.RunAsync(["report", json.GetProperty("runId").GetString()!, "--format", "md", "--out", md, "--store", OptimizeFixture.StorePath(dir)], dir.Path);
        var runs = await CliHarness.RunAsync(["runs", "--store", OptimizeFixture.StorePath(dir), "--json"], dir.Path);

        Assert.True(report.ExitCode == 0, report.ToString());
        var text = File.ReadAllText(md);
        Assert.Contains("| LLM calls | cumulative regret | test score |", text);
        Assert.DoesNotContain("best train score", text);
        var listed = Assert.Single(runs.Json().GetProperty("runs").EnumerateArray());
        Assert.Equal(json.GetProperty("scores").GetProperty("meanReward").GetDouble(), listed.GetProperty("bestScore").GetDouble());
    }

    // ---- item 9: quieter gaps ----

    [Fact]
    public async Task Optimize_EstimateSaysTheTestCalls_AndSizesAboveTheSplitAreNoted()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(OptimizeFixture.Args(dir, "--train-size", "100000", "--budget-task-calls", "0"), dir.Path);

        Assert.Contains(run.ErrorLines, l => l.StartsWith("estimated calls: ~", StringComparison.Ordinal) && l.Contains("then ~80 test calls for the final scores", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.StartsWith("note: train-size 100000 is more than task 'multistep_arithmetic' has training examples (", StringComparison.Ordinal));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>Makes files and directories unwritable for the test's duration, even for root (<c>chattr +i</c>), and undoes it.</summary>
internal sealed class ReadOnlyPaths : IDisposable
{
    private readonly string[] _paths;
    private readonly bool _immutable;

    private ReadOnlyPaths(string[] paths, bool immutable)
    {
        _paths = paths;
        _immutable = immutable;
    }

    public static ReadOnlyPaths Protect(params string[] paths)
    {
        bool immutable = Run("id", "-u").Trim() == "0"; // root ignores file modes; the immutable attribute binds root too
        foreach (var p in paths)
        {
            if (immutable)
            {
                Run("chattr", "+i", p);
            }
            else if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(p, Directory.Exists(p) ? UnixFileMode.UserRead | UnixFileMode.UserExecute : UnixFileMode.UserRead);
            }
        }

        // The protection must hold, or the test would prove nothing.
        Assert.ThrowsAny<Exception>(() => File.AppendAllText(paths[0], string.Empty));
        return new ReadOnlyPaths(paths, immutable);
    }

    public void Dispose()
    {
        foreach (var p in _paths.Reverse())
        {
            if (_immutable)
            {
                Run("chattr", "-i", p);
            }
            else if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(p, Directory.Exists(p) ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {p.StandardError.ReadToEnd()}");
        return output;
    }
}
