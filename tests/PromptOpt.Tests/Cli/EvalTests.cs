using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

public class EvalTests
{
    private static string[] Eval(string store, params string[] more) =>
        ["eval", "--task", "multistep_arithmetic", "--prompt", "Solve the arithmetic problem.", "--limit", "20", "--store", store, .. more];

    [Fact]
    public async Task Eval_SimJson_IsOneObjectWithScoreUsageAndFailures()
    {
        using var dir = new TempDirectory();
        var run = await CliHarness.RunAsync(Eval(Path.Combine(dir.Path, "s.db"), "--model", "sim", "--json"), dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal("multistep_arithmetic", json.GetProperty("task").GetString());
        Assert.True(json.GetProperty("simulated").GetBoolean());
        Assert.Equal(20, json.GetProperty("n").GetInt32());
        var score = json.GetProperty("score").GetDouble();
        Assert.InRange(score, 0, 1);
        var usage = json.GetProperty("usage");
        Assert.Equal(20, usage.GetProperty("calls").GetInt64());
        Assert.Equal(20, usage.GetProperty("paidCalls").GetInt64());
        Assert.True(usage.GetProperty("inputTokens").GetInt64() > 0);
        var failures = json.GetProperty("failures").GetInt32();
        Assert.Equal(Math.Min(failures, 3), json.GetProperty("worstFailures").GetArrayLength());
        Assert.Equal(string.Empty, run.Stderr); // 'sim' named explicitly: no banner
    }

    /// <summary>
    /// Issue 12 item 7: the world seed is part of the simulated model's identity. On a dataset directory (fixed train/test
    /// files, so the requests do not depend on the seed), <c>eval --seed 2</c> after <c>eval --seed 1</c> on the same store
    /// used to be answered entirely from seed 1's cache; now seed 2 is another model and pays for its own calls, and seed 1
    /// again is still all cache hits.
    /// </summary>
    [Fact]
    public async Task Eval_OtherSeedOnTheSameStore_IsAnotherModelNotAnsweredFromTheFirstSeedsCache()
    {
        using var dir = new TempDirectory();
        var lines = Enumerable.Range(0, 20).Select(i => $"{{\"id\":\"{i}\",\"input\":\"Is {i} an even number? Answer Yes or No.\",\"target\":\"{(i % 2 == 0 ? "Yes" : "No")}\"}}");
        Directory.CreateDirectory(Path.Combine(dir.Path, "parity"));
        File.WriteAllLines(Path.Combine(dir.Path, "parity", "train.jsonl"), lines.Take(20).Select(l => l.Replace("\"id\":\"", "\"id\":\"t", StringComparison.Ordinal)));
        File.WriteAllLines(Path.Combine(dir.Path, "parity", "test.jsonl"), lines);
        var store = Path.Combine(dir.Path, "s.db");
        string[] Args(string seed) => ["eval", "--task", "parity", "--prompt", "Answer with Yes or No.", "--store", store, "--model", "sim", "--seed", seed, "--json"];

        var first = await CliHarness.RunAsync(Args("1"), dir.Path);
        Assert.True(first.ExitCode == 0, first.ToString());
        var one = first.Json();
        var two = (await CliHarness.RunAsync(Args("2"), dir.Path)).Json();
        var oneAgain = (await CliHarness.RunAsync(Args("1"), dir.Path)).Json();

        Assert.Equal((20L, 0L), (one.GetProperty("usage").GetProperty("paidCalls").GetInt64(), one.GetProperty("usage").GetProperty("cacheHits").GetInt64()));
        Assert.Equal((20L, 0L), (two.GetProperty("usage").GetProperty("paidCalls").GetInt64(), two.GetProperty("usage").GetProperty("cacheHits").GetInt64()));
        Assert.Equal((0L, 20L), (oneAgain.GetProperty("usage").GetProperty("paidCalls").GetInt64(), oneAgain.GetProperty("usage").GetProperty("cacheHits").GetInt64()));
        Assert.Equal(one.GetProperty("score").GetDouble(), oneAgain.GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task Eval_SameCommandTwice_SecondRunIsAllCacheHitsWithTheSameScore()
    {
        using var dir = new TempDirectory();
        var args = Eval(Path.Combine(dir.Path, "s.db"), "--model", "sim", "--json");

        var first = (await CliHarness.RunAsync(args, dir.Path)).Json();
        var second = (await CliHarness.RunAsync(args, dir.Path)).Json();

        Assert.Equal(first.GetProperty("score").GetDouble(), second.GetProperty("score").GetDouble());
        Assert.Equal(0, second.GetProperty("usage").GetProperty("paidCalls").GetInt64());
        Assert.Equal(20, second.GetProperty("usage").GetProperty("cacheHits").GetInt64());
        Assert.Equal(first.GetProperty("runId").GetString(), second.GetProperty("runId").GetString());
    }

    [Fact]
    public async Task Eval_AutoWithoutEndpoint_PrintsBannerAndMarksEveryResultSimulated()
    {
        using var dir = new TempDirectory();
        var run = await CliHarness.RunAsync(Eval(Path.Combine(dir.Path, "s.db"), "--model", "auto"), dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var banner = Assert.Single(run.ErrorLines);
        Assert.Contains("SIMULATED", banner);
        Assert.Contains("(simulated)", run.Stdout.Split('\n').Single(l => l.StartsWith("score", StringComparison.Ordinal)));
        Assert.All(run.Stdout.Split('\n').Where(l => l.TrimStart().StartsWith("got:", StringComparison.Ordinal)),
            l => Assert.EndsWith("(simulated)", l));
    }

    [Fact]
    public async Task Eval_Completed_IsListedByRuns()
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "s.db");
        var eval = (await CliHarness.RunAsync(Eval(store, "--model", "sim", "--json"), dir.Path)).Json();

        var runs = await CliHarness.RunAsync(["runs", "--store", store, "--json"], dir.Path);

        var listed = Assert.Single(runs.Json().GetProperty("runs").EnumerateArray());
        Assert.Equal(eval.GetProperty("runId").GetString(), listed.GetProperty("id").GetString());
        Assert.Equal("completed", listed.GetProperty("status").GetString());
        Assert.Equal("multistep_arithmetic", listed.GetProperty("task").GetString());
        Assert.Equal(eval.GetProperty("score").GetDouble(), listed.GetProperty("bestScore").GetDouble());
    }

    [Fact]
    public async Task Runs_Plain_PrintsOneTabSeparatedLinePerRun()
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "s.db");
        await CliHarness.RunAsync(Eval(store, "--model", "sim"), dir.Path);
        await CliHarness.RunAsync(Eval(store, "--model", "sim", "--split", "train"), dir.Path);

        var runs = await CliHarness.RunAsync(["runs", "--store", store], dir.Path);

        var lines = runs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l =>
        {
            var cells = l.Split('\t');
            Assert.StartsWith("eval-", cells[0]);
            Assert.Equal(["eval", "completed", "multistep_arithmetic"], cells[1..4]);
        });
    }

    [Fact]
    public async Task Eval_PromptAndSystemFromFiles_AreUsed()
    {
        using var dir = new TempDirectory();
        dir.Write("p.txt", "Compute: {question}\nAnswer with only the number.");
        dir.Write("s.txt", "Work through it step by step.");

        var run = await CliHarness.RunAsync(
            ["eval", "--task", "multistep_arithmetic", "--prompt", "@p.txt", "--system", "@s.txt", "--limit", "5", "--model", "sim", "--store", "s.db", "--json"],
            dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var prompt = run.Json().GetProperty("prompt");
        Assert.Equal("Work through it step by step.", prompt.GetProperty("system").GetString());
        Assert.StartsWith("Compute: {question}", prompt.GetProperty("user").GetString());
    }

    [Fact]
    public async Task Eval_CancelledMidway_ExitsCancelledAndRerunReusesTheCache()
    {
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.FromMilliseconds(30));
        var args = Eval(Path.Combine(dir.Path, "s.db"), "--model", SimServers.ModelSpec(server), "--concurrency", "2", "--json");
        using var cts = new CancellationTokenSource();

        var running = CliHarness.RunAsync(args, dir.Path, cancellationToken: cts.Token);
        await SimServers.WaitForCompletedAsync(server, 6, TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        var cancelled = await running;
        await SimServers.WaitForQuietAsync(server); // requests abandoned by the cancelled client may complete late
        long paidBefore = server.Stats.Completed;

        Assert.True(cancelled.ExitCode == 130, cancelled.ToString());
        Assert.Contains("cancelled", Assert.Single(cancelled.ErrorLines));

        var rerun = await CliHarness.RunAsync(args, dir.Path);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var json = rerun.Json();
        Assert.True(json.GetProperty("simulated").GetBoolean());
        var usage = json.GetProperty("usage");
        long paidAgain = server.Stats.Completed - paidBefore;
        Assert.Equal(paidAgain, usage.GetProperty("paidCalls").GetInt64());
        Assert.Equal(20, usage.GetProperty("cacheHits").GetInt64() + usage.GetProperty("paidCalls").GetInt64());
        // Only calls in flight at the moment of cancellation (at most --concurrency) may be paid twice.
        Assert.InRange(paidBefore + paidAgain, 20, 22);
    }
}
