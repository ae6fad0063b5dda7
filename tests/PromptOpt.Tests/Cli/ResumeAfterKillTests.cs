using System.Diagnostics;
using PromptOpt.Cli;
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

        using (var child = StartChild(args, dir.Path))
        {
            try
            {
                await SimServers.WaitForCompletedAsync(server, 8, TimeSpan.FromSeconds(60));
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
                await child.WaitForExitAsync();
            }

            Assert.NotEqual(0, child.ExitCode);
        }

        long paidByKilledRun = server.Stats.Completed;
        Assert.InRange(paidByKilledRun, 8, Examples - 1); // killed midway

        var rerun = await CliHarness.RunAsync(args, dir.Path);

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var usage = rerun.Json().GetProperty("usage");
        long paidByRerun = server.Stats.Completed - paidByKilledRun;
        long cacheHits = usage.GetProperty("cacheHits").GetInt64();
        Assert.Equal(paidByRerun, usage.GetProperty("paidCalls").GetInt64());
        Assert.Equal(Examples, cacheHits + paidByRerun);
        // Every request the killed run completed is answered from the cache, except those whose response was still
        // on its way into the cache at the kill (at most one per concurrent call).
        Assert.InRange(cacheHits, paidByKilledRun - Concurrency, paidByKilledRun);
        Assert.InRange(paidByKilledRun + paidByRerun, Examples, Examples + Concurrency);
    }

    private static Process StartChild(string[] args, string workingDirectory)
    {
        var dll = typeof(CliApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var variable in new[] { "OPENAI_API_KEY", "OPENAI_BASE_URL", "PROMPTOPT_STORE", "PROMPTOPT_MODEL" })
        {
            start.Environment.Remove(variable);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + dll);
        // Drain the pipes so the child never blocks on a full buffer.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }
}
