using System.Text.Json;
using System.Text.RegularExpressions;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>
/// <c>promptopt optimize --method expo-es</c> rerun or resumed after a SIGKILL: the score networks' step outputs come from
/// the run's checkpoints (no refit for the stored steps), and the result is the uninterrupted run's.
/// </summary>
public partial class OptimizeExpoReplayTests
{
    private const int Steps = 24; // linreg shows its 20 best points: from step 16 on, EXPO-ES chooses among subsets

    [Fact]
    public async Task Optimize_ExpoEsRerun_ReplaysEveryNetworkOutputFromTheRunAndReportsTheSameResult()
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "s.db");
        var args = ExpoEs(store, "sim");

        var cold = await CliHarness.RunAsync(args, dir.Path);
        var coldDetails = await StoredDetailsAsync(store, cold.Json().GetProperty("runId").GetString()!);
        var rerun = await CliHarness.RunAsync(args, dir.Path);

        Assert.True(cold.ExitCode == 0, cold.ToString());
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.DoesNotContain(cold.ErrorLines, l => l.Contains("replayed from the run's checkpoints", StringComparison.Ordinal));
        var (replayed, fits) = Replay(rerun.ErrorLines);
        Assert.Equal(0, fits);
        Assert.True(replayed > Steps, $"{replayed} outputs replayed"); // every arm update, and the exemplar choices
        AssertSameResult(cold.Json(), rerun.Json());
        Assert.Equal(coldDetails, await StoredDetailsAsync(store, rerun.Json().GetProperty("runId").GetString()!));
    }

    [Fact]
    public async Task Optimize_ExpoEsKilledMidwayThenRerun_SameResultAsUninterruptedAndStoredStepsNotRefitted()
    {
        using var reference = new TempDirectory();
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.FromMilliseconds(15));
        var model = SimServers.ModelSpec(server);
        string[] Args(TempDirectory d) => [.. ExpoEs(Path.Combine(d.Path, "s.db"), model), "--run-id", "killed-expo"];

        var uninterrupted = await CliHarness.RunAsync(Args(reference), reference.Path);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        // 2 optimizer calls write the variants, then one agent call per step: kill after about half the steps.
        long start = server.Stats.Completed;
        var killed = await ChildCli.KillAfterAsync(server, Args(dir), dir.Path, start + 2 + (Steps / 2), TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, killed.ExitCode);
        var rerun = await CliHarness.RunAsync(Args(dir), dir.Path);

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.True(rerun.Json().GetProperty("resumed").GetBoolean());
        AssertSameResult(uninterrupted.Json(), rerun.Json());
        Assert.Equal(await StoredDetailsAsync(Path.Combine(reference.Path, "s.db"), "killed-expo"), await StoredDetailsAsync(Path.Combine(dir.Path, "s.db"), "killed-expo"));
        var (replayed, fits) = Replay(rerun.ErrorLines);
        Assert.InRange(replayed, 1, Steps - 1); // the steps stored before the kill (their saves may trail the agent calls by one step)
        Assert.True(fits > 0);
    }

    /// <summary><c>optimize --method expo-es --env linreg</c> with small networks, both models <paramref name="model"/>, JSON output.</summary>
    private static string[] ExpoEs(string store, string model) =>
        ["optimize", "--method", "expo-es", "--env", "linreg", "--steps", Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--agent-model", model, "--optimizer-model", model, .. OptimizeExpoTests.SmallNetwork, "--store", store, "--json"];

    /// <summary>The numbers of the note "score networks: N step outputs replayed from the run's checkpoints, M fits run".</summary>
    private static (int Replayed, int Fits) Replay(IEnumerable<string> errorLines)
    {
        var m = errorLines.Select(l => ReplayNote().Match(l)).Single(x => x.Success);
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
    }

    /// <summary>The stored result's details: every step's arm, reward, regret, best value and top probabilities, the arms, the final measures.</summary>
    private static async Task<string> StoredDetailsAsync(string storePath, string runId)
    {
        using var store = new PromptOpt.Storage.PromptOptStore(storePath);
        var run = await store.GetRunAsync(runId);
        using var json = JsonDocument.Parse(run!.ResultJson!);
        return json.RootElement.GetProperty("details").GetRawText();
    }

    private static void AssertSameResult(JsonElement expected, JsonElement actual)
    {
        foreach (var property in new[] { "bestPrompt", "scores", "environment", "steps" })
        {
            Assert.Equal(expected.GetProperty(property).GetRawText(), actual.GetProperty(property).GetRawText());
        }
    }

    [GeneratedRegex(@"score networks: (\d+) step outputs replayed from the run's checkpoints, (\d+) fits run")]
    private static partial Regex ReplayNote();
}
