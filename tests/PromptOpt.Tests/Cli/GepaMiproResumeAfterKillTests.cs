using System.Text.Json;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>
/// GEPA and MIPRO SIGKILLed midway (a child process over the loopback simulator) and run again with the same command:
/// the rerun resumes from the cache and ends with the uninterrupted run's best prompt (demos included), paying for no
/// completed call twice. Kill points are fixed fractions of the uninterrupted run's paid calls.
/// </summary>
public class GepaMiproResumeAfterKillTests
{
    private const int Concurrency = 2;

    [Theory]
    [InlineData("gepa", "max-metric-calls=120", 0.45)]
    [InlineData("mipro", "trials=6", 0.6)]
    public async Task Optimize_KilledMidwayThenRerun_SameBestPromptAndNoCompletedCallPaidTwice(string method, string option, double killAt)
    {
        using var reference = new TempDirectory();
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.FromMilliseconds(10));
        var model = SimServers.ModelSpec(server);
        string[] Args(TempDirectory d) =>
        [
            "optimize", "--method", method, "--task", "multistep_arithmetic", "--set", option, "--task-model", model, "--optimizer-model", model,
            "--concurrency", Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--run-id", "killed-" + method,
            "--train-size", "20", "--test-size", "20", "--store", Path.Combine(d.Path, "s.db"), "--json",
        ];

        long before = server.Stats.Completed;
        var first = await CliHarness.RunAsync(Args(reference), reference.Path);
        Assert.True(first.ExitCode == 0, first.ToString());
        var uninterrupted = first.Json();
        long paidUninterrupted = server.Stats.Completed - before;

        long start = server.Stats.Completed;
        var killed = await ChildCli.KillAfterAsync(server, Args(dir), dir.Path, start + (long)(paidUninterrupted * killAt), TimeSpan.FromSeconds(90));
        Assert.NotEqual(0, killed.ExitCode);
        long paidByKilled = killed.Completed - start;
        Assert.InRange(paidByKilled, (long)(paidUninterrupted * killAt), paidUninterrupted - 1);

        long beforeRerun = server.Stats.Completed;
        var again = await CliHarness.RunAsync(Args(dir), dir.Path);
        Assert.True(again.ExitCode == 0, again.ToString());
        var rerun = again.Json();
        long paidByRerun = server.Stats.Completed - beforeRerun;

        Assert.True(rerun.GetProperty("resumed").GetBoolean());
        Assert.Equal(Best(uninterrupted), Best(rerun));
        Assert.Equal(uninterrupted.GetProperty("scores").GetProperty("test").GetDouble(), rerun.GetProperty("scores").GetProperty("test").GetDouble());
        Assert.Equal(uninterrupted.GetProperty("usage").GetProperty("calls").GetInt64(), rerun.GetProperty("usage").GetProperty("calls").GetInt64());
        Assert.InRange(paidByKilled + paidByRerun, paidUninterrupted, paidUninterrupted + (2 * Concurrency));

        // Cached replay: the same command once more pays nothing.
        long beforeReplay = server.Stats.Completed;
        var replay = await CliHarness.RunAsync(Args(dir), dir.Path);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal(0, server.Stats.Completed - beforeReplay);
        Assert.Equal(Best(uninterrupted), Best(replay.Json()));
    }

    // The best prompt as the JSON output gives it: system, user and (when any) demos.
    private static string Best(JsonElement json) => json.GetProperty("bestPrompt").GetRawText();
}
