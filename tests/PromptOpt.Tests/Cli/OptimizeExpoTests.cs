using PromptOpt.Tests.Optimizers.MetaSpo;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary><c>promptopt optimize</c> with the EXPO methods (an agent in an environment). Small networks keep it fast.</summary>
public class OptimizeExpoTests
{
    internal static readonly string[] SmallNetwork = ["--set", "network-hidden-units=16", "--set", "network-epochs=10"];

    /// <summary><c>optimize --method expo</c> in <paramref name="env"/> with the simulated agent and optimizer, small networks, and <paramref name="more"/>.</summary>
    internal static string[] SimRun(string env, int steps, string store, params string[] more) =>
        ["optimize", "--method", "expo", "--env", env, "--steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--agent-model", "sim", "--optimizer-model", "sim", .. SmallNetwork, "--store", store, .. more];

    [Fact]
    public async Task Optimize_ExpoFlags_JsonCarriesTheEnvironmentsFinalMeasuresAndTheWinningArm()
    {
        using var dir = new TempDirectory();
        string[] args = ["optimize", "--method", "expo", "--env", "bandit-easy", "--steps", "12", "--agent-model", "sim", "--optimizer-model", "sim",
            .. SmallNetwork, "--store", Path.Combine(dir.Path, "s.db"), "--json"];

        var run = await CliHarness.RunAsync(args, dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal("expo", json.GetProperty("method").GetString());
        Assert.Matches("^expo-bandit-easy-s42-[0-9a-f]{8}$", json.GetProperty("runId").GetString());
        Assert.True(json.GetProperty("simulated").GetBoolean());
        Assert.Equal(12, json.GetProperty("steps").GetInt32());
        var env = json.GetProperty("environment");
        Assert.Equal("bandit-easy", env.GetProperty("name").GetString());
        Assert.InRange(env.GetProperty("final_cumulative_regret").GetDouble(), 0, 12 * 0.5);
        Assert.InRange(env.GetProperty("winning_arm").GetInt32(), 0, 24);
        var byRole = json.GetProperty("usage").GetProperty("byRole");
        Assert.Equal(12, byRole.GetProperty("agent").GetProperty("calls").GetInt64());
        Assert.Equal(2, byRole.GetProperty("optimizer").GetProperty("calls").GetInt64());
        Assert.Contains("{question}", json.GetProperty("bestPrompt").GetProperty("user").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(json.GetProperty("artifact").GetString()));
        Assert.Contains("id=\"expo-regret-chart\"", File.ReadAllText(json.GetProperty("report").GetString()!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Optimize_ExampleSpec_LiveLinesThenSummaryAndTheSameCommandResumes()
    {
        using var dir = new TempDirectory();
        string[] args = ["optimize", MetaSpoFixture.Example("expo-bandit.yaml"), "--steps", "6", "--agent-model", "sim", "--optimizer-model", "sim",
            .. SmallNetwork, "--store", Path.Combine(dir.Path, "s.db")];

        var run = await CliHarness.RunAsync(args, dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.ErrorLines.ToArray();
        int estimate = Array.FindIndex(lines, l => l.StartsWith("estimated calls: ~12 task, ~2 optimizer (expo)", StringComparison.Ordinal));
        var steps = lines.Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.InRange(estimate, 1, Array.FindIndex(lines, l => l.StartsWith("step 1/6", StringComparison.Ordinal)) - 1);
        Assert.Equal(6, steps.Count);
        Assert.All(steps, l => Assert.Matches(@"^step \d/6  regret [\d.]+ \(simulated\)  calls: .*  arm \d+ \(p=\d\.\d\d\), reward .*; top arms \d+ \(\d\.\d\d\), \d+ \(\d\.\d\d\), \d+ \(\d\.\d\d\)$", l));
        Assert.Contains(lines, l => l.StartsWith("note: comparison: the original meta-prompt for 6 steps", StringComparison.Ordinal));
        Assert.StartsWith("winning meta-prompt (simulated)", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^final\s+cumulative regret [\d.]+ \(original meta-prompt [\d.]+\), cumulative reward [\d.]+ \(simulated\)", run.Stdout);
        Assert.Matches(@"(?m)^winning arm\s+\d+ \(D\d × I\d; played \d+ times; final p=", run.Stdout);

        var again = await CliHarness.RunAsync(args, dir.Path);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("(resumed)", again.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^calls\s+14 \(0 paid, 14 cached\)", again.Stdout);
    }

    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["optimize", "--method", "expo", "--task", "navigate"], "runs an agent in an environment: give --env" },
        { ["optimize", "--method", "expo"], "no environment: give --env" },
        { ["optimize", "--method", "expo", "--env", "bandit-medium"], "unknown environment 'bandit-medium' (known: bandit-hard" },
        { ["optimize", "--method", "expo", "--env", "linreg", "--train-size", "5"], "has no train/test split" },
        { ["optimize", "--method", "expo", "--env", "linreg", "--steps", "0"], "--steps must be at least 1" },
        { ["optimize", "--method", "expo-es", "--env", "linreg", "--set", "strategy=uniform"], "the strategy is chosen by the method name" },
        { ["optimize", "--method", "dual-phase", "--env", "bandit-hard"], "'env'/'steps'/'embedder' are for the agent methods (expo, expo-egreedy" },
        { ["optimize", "--method", "dual-phase", "--task", "navigate", "--embedder", "hash"], "'env'/'steps'/'embedder' are for the agent methods" },
        { ["optimize", "--method", "expo", "--env", "bandit-hard", "--embedder", "hashh"], "invalid embedder spec 'hashh': unknown provider 'hashh'; expected one of: hash | minilm | sim | openai:<embedding-model> | openai-compatible:" },
        { ["optimize", "--method", "expo", "--env", "bandit-hard", "--embedder", "auto"], "invalid embedder spec 'auto': 'auto' picks a chat model, not an embedding model" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Optimize_ExpoBadInput_IsOneLineErrorExit2BeforeAnyCall(string[] args, string expected)
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "s.db");

        var run = await CliHarness.RunAsync([.. args, "--store", store], dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(File.Exists(store));
    }

    [Fact]
    public async Task Tasks_Json_ListsTheEnvironmentsAfterTheTasks()
    {
        var run = await CliHarness.RunAsync("tasks", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var envs = run.Json().GetProperty("environments").EnumerateArray().ToList();
        Assert.Equal(PromptOpt.Decision.EnvironmentCatalog.All.Select(e => e.Name), envs.Select(e => e.GetProperty("name").GetString()));
        Assert.Equal("bandit", envs[0].GetProperty("kind").GetString());
        Assert.All(envs, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("description").GetString())));
    }
}
