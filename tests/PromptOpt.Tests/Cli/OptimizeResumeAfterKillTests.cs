using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>
/// A SIGKILLed optimization (a child process: `dotnet PromptOpt.Cli.dll optimize …`) resumes from the store: the same
/// command with the same run id replays from the response cache and ends with the same best prompt as an
/// uninterrupted run, paying for no completed call twice.
/// </summary>
public class OptimizeResumeAfterKillTests
{
    private const int Concurrency = 2;

    [Fact]
    public async Task Optimize_KilledMidwayThenRerun_SameBestPromptAndNoCompletedCallPaidTwice()
    {
        using var reference = new TempDirectory();
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.FromMilliseconds(15));
        var model = SimServers.ModelSpec(server);
        string[] flags = ["--task-model", model, "--optimizer-model", model, "--concurrency", Concurrency.ToString(), "--run-id", "killed-run", "--train-size", "10", "--test-size", "20", "--json"];

        // The uninterrupted run, for comparison (its own store, so its own cache).
        long before = server.Stats.Completed;
        var uninterrupted = await OptimizeFixture.RunJsonAsync(reference, flags);
        long paidUninterrupted = server.Stats.Completed - before;

        // The same run in a child process, SIGKILLed midway.
        long start = server.Stats.Completed;
        var killed = await ChildCli.KillAfterAsync(server, OptimizeFixture.Args(dir, flags), dir.Path, start + (paidUninterrupted / 3), TimeSpan.FromSeconds(90));
        Assert.NotEqual(0, killed.ExitCode);
        long paidByKilled = killed.Completed - start; // counted once the server is quiet: includes calls it answered after the kill
        Assert.InRange(paidByKilled, paidUninterrupted / 3, paidUninterrupted - 1); // killed midway
        Assert.InRange(killed.CompletedAfterExit, 0, 2 * Concurrency); // at most one in flight per concurrent call of each model

        // The same command again: resumes the run (status 'running', never marked) from the cache.
        long beforeRerun = server.Stats.Completed;
        var rerun = await OptimizeFixture.RunJsonAsync(dir, flags);
        long paidByRerun = server.Stats.Completed - beforeRerun;

        Assert.Equal("killed-run", rerun.GetProperty("runId").GetString());
        Assert.True(rerun.GetProperty("resumed").GetBoolean());
        Assert.Equal(OptimizeFixture.BestPrompt(uninterrupted), OptimizeFixture.BestPrompt(rerun));
        Assert.Equal(uninterrupted.GetProperty("scores").GetProperty("test").GetDouble(), rerun.GetProperty("scores").GetProperty("test").GetDouble());
        var usage = rerun.GetProperty("usage");
        Assert.Equal(paidByRerun, usage.GetProperty("paidCalls").GetInt64());
        Assert.Equal(uninterrupted.GetProperty("usage").GetProperty("calls").GetInt64(), usage.GetProperty("calls").GetInt64());
        // Every request the killed run completed is answered from the cache, except those whose response was still on
        // its way into the cache at the kill (at most one per concurrent call of each model); those the server answered
        // after the kill never reached it.
        Assert.InRange(usage.GetProperty("cacheHits").GetInt64(), paidByKilled - (2 * Concurrency), paidByKilled - killed.CompletedAfterExit);
        Assert.InRange(paidByKilled + paidByRerun, paidUninterrupted, paidUninterrupted + (2 * Concurrency));
    }
}
