using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>
/// A SIGKILLed eval (a child process: `dotnet PromptOpt.Cli.dll eval …`) resumes from the store's response cache:
/// rerunning it pays only for the calls the killed run never completed.
/// </summary>
public class ResumeAfterKillTests
{
    private const int Examples = 40;
    private const int Concurrency = 2;

    [Fact]
    public async Task Eval_KilledMidwayThenRerun_PaysNoCompletedRequestTwice()
    {
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.FromMilliseconds(40));
        string[] args =
        [
            "eval", "--task", "multistep_arithmetic", "--prompt", "Solve the arithmetic problem.", "--limit", Examples.ToString(),
            "--concurrency", Concurrency.ToString(), "--model", SimServers.ModelSpec(server), "--store", Path.Combine(dir.Path, "s.db"), "--json",
        ];

        var killed = await ChildCli.KillAfterAsync(server, args, dir.Path, completed: 8, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, killed.ExitCode);
        long paidByKilledRun = killed.Completed; // counted once the server is quiet: includes calls it answered after the kill
        Assert.InRange(paidByKilledRun, 8, Examples - 1); // killed midway
        Assert.InRange(killed.CompletedAfterExit, 0, Concurrency); // at most one in flight per concurrent call

        var rerun = await CliHarness.RunAsync(args, dir.Path);

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var usage = rerun.Json().GetProperty("usage");
        long paidByRerun = server.Stats.Completed - paidByKilledRun;
        long cacheHits = usage.GetProperty("cacheHits").GetInt64();
        Assert.Equal(paidByRerun, usage.GetProperty("paidCalls").GetInt64());
        Assert.Equal(Examples, cacheHits + paidByRerun);
        // Every request the killed run completed is answered from the cache, except those whose response was still
        // on its way into the cache at the kill (at most one per concurrent call); those the server answered after the
        // kill never reached it.
        Assert.InRange(cacheHits, paidByKilledRun - Concurrency, paidByKilledRun - killed.CompletedAfterExit);
        Assert.InRange(paidByKilledRun + paidByRerun, Examples, Examples + Concurrency);
    }
}
