using System.Diagnostics;
using PromptOpt.Cli;
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
        using (var child = StartChild(OptimizeFixture.Args(dir, flags), dir.Path))
        {
            try
            {
                await SimServers.WaitForCompletedAsync(server, start + (paidUninterrupted / 3), TimeSpan.FromSeconds(90));
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
                await child.WaitForExitAsync();
            }

            Assert.NotEqual(0, child.ExitCode);
        }

        await OptimizeFixture.WaitForQuietAsync(server);
        long paidByKilled = server.Stats.Completed - start;
        Assert.InRange(paidByKilled, paidUninterrupted / 3, paidUninterrupted - 1); // killed midway

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
        // its way into the cache at the kill (at most one per concurrent call of each model).
        Assert.InRange(usage.GetProperty("cacheHits").GetInt64(), paidByKilled - (2 * Concurrency), paidByKilled);
        Assert.InRange(paidByKilled + paidByRerun, paidUninterrupted, paidUninterrupted + (2 * Concurrency));
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
