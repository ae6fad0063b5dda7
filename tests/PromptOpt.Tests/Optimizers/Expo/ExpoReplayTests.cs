using PromptOpt.Decision;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Storage;
using PromptOpt.Tests.Decision;

namespace PromptOpt.Tests.Optimizers.Expo;

/// <summary>
/// EXPO / EXPO-ES replay from the run's checkpoints: the same model replies give the bit-identical run, and the score
/// networks are not fitted again; a missing or foreign checkpoint is recomputed, never trusted.
/// </summary>
public class ExpoReplayTests
{
    private const string RunId = "replay-run";
    private static readonly ScoreNetworkOptions SmallNet = new() { HiddenUnits = 16, Epochs = 20, BatchSize = 4 };
    private static readonly HashingEmbeddingGenerator Embedder = new(new() { Dimensions = 64 });

    private static readonly string[] Descriptions =
    [
        "We are minimising a function of w and b; the pairs below are sorted so the lowest value comes last.",
        "Find w and b with the lowest function value. Previous tries are listed below.",
    ];

    private static readonly string[] Instructions =
    [
        "Suggest the next w and b to try, in the form [w, b].",
        "Propose another pair [w, b], thinking about the trend.",
        "Give a new [w, b] different from all above.",
    ];

    public static TheoryData<string, ExpoStrategy, bool> Runs => new()
    {
        { "bandit-hard", ExpoStrategy.Expo, true },
        { "linreg", ExpoStrategy.Expo, true },
        { "linreg", ExpoStrategy.ExpoEs, true }, // the exemplar network chooses sets here (pool > 3 exemplars)
        { "linreg", ExpoStrategy.Expo, false }, // the separate-bandits ablation: two networks
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task RunAsync_ReplayWithTheRunsCheckpoints_BitIdenticalRunWithoutAnyFit(string env, ExpoStrategy strategy, bool joint)
    {
        const int Steps = 12;
        var options = Options(strategy, joint, Steps);
        var store = await StoreWithRunAsync();

        var plain = await Controller(options, null).RunAsync(Environment(env), seed: 5);
        var cold = await Controller(options, await RunCheckpoints.OpenAsync(store, RunId)).RunAsync(Environment(env), seed: 5);
        var replay = await Controller(options, await RunCheckpoints.OpenAsync(store, RunId)).RunAsync(Environment(env), seed: 5);

        int networks = joint ? 1 : 2;
        int exemplarSteps = cold.Steps.Count(s => s.ExemplarCount is not null);
        Assert.Equal(strategy == ExpoStrategy.ExpoEs, exemplarSteps > 0);
        AssertSameRun(plain, cold); // storing checkpoints changes nothing
        AssertSameRun(cold, replay);
        Assert.Equal(0, plain.ReplayedNetworkOutputs);
        Assert.Equal(0, cold.ReplayedNetworkOutputs);
        Assert.True(cold.NetworkFits >= networks * Steps, $"{cold.NetworkFits} fits");
        Assert.Equal(0, replay.NetworkFits);
        Assert.Equal((networks * Steps) + exemplarSteps, replay.ReplayedNetworkOutputs);
    }

    [Fact]
    public async Task RunAsync_ResumedAfterAStopMidway_SameRunAndFitsOnlyWhatWasNotStored()
    {
        const int Steps = 14, StopAfter = 6;
        var options = Options(ExpoStrategy.ExpoEs, joint: true, Steps);
        var plain = await Controller(options, null).RunAsync(Environment("linreg"), seed: 7);
        var uninterrupted = await Controller(options, await RunCheckpoints.OpenAsync(await StoreWithRunAsync(), RunId)).RunAsync(Environment("linreg"), seed: 7);

        // A run stopped after step 6 (as a kill would, minus the last unsaved step at most), then the same run again.
        var store = await StoreWithRunAsync();
        var checkpoints = await RunCheckpoints.OpenAsync(store, RunId);
        using var stop = new CancellationTokenSource();
        var progress = new SyncProgress(e =>
        {
            if (e is StepCompleted { Step: StopAfter })
            {
                stop.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Controller(options, checkpoints).RunAsync(Environment("linreg"), 7, progress, stop.Token));
        var resumed = await Controller(options, await RunCheckpoints.OpenAsync(store, RunId)).RunAsync(Environment("linreg"), seed: 7);

        AssertSameRun(plain, uninterrupted);
        AssertSameRun(uninterrupted, resumed);
        Assert.Equal(StopAfter, resumed.ReplayedNetworkOutputs - resumed.Steps.Take(StopAfter).Count(s => s.ExemplarCount is not null));
        Assert.Equal(uninterrupted.NetworkFits, resumed.NetworkFits); // the stored steps' fits are caught up once, in order
        Assert.Equal(0, uninterrupted.ReplayedNetworkOutputs);
    }

    [Fact]
    public async Task RunAsync_CheckpointsOfAnotherRunHistory_AreNotUsed()
    {
        var options = Options(ExpoStrategy.Expo, joint: true, 10);
        var store = await StoreWithRunAsync();
        await Controller(options, await RunCheckpoints.OpenAsync(store, RunId)).RunAsync(Environment("bandit-hard"), seed: 1);

        // Another seed: other network seeds and other arms played, so no key matches and every step is fitted.
        var other = await Controller(options, await RunCheckpoints.OpenAsync(store, RunId)).RunAsync(Environment("bandit-hard"), seed: 2);
        var plain = await Controller(options, null).RunAsync(Environment("bandit-hard"), seed: 2);

        AssertSameRun(plain, other);
        Assert.Equal(0, other.ReplayedNetworkOutputs);
        Assert.Equal(10, other.NetworkFits);
    }

    [Fact]
    public void Outputs_SameHistory_ReplayedWithoutComputing()
    {
        var checkpoints = RunCheckpoints.InMemory();
        var first = Learner(checkpoints);
        first.Train([1, 2, 3], () => { });
        double[] values = [0.1, double.Epsilon, -3e300];
        Assert.Equal(values, first.Outputs([9], 3, () => [0.1, double.Epsilon, -3e300]));

        var again = Learner(checkpoints);
        int fits = 0;
        again.Train([1, 2, 3], () => fits++);
        var outputs = again.Outputs([9], 3, () => throw new InvalidOperationException("computed"));

        Assert.Equal(values, outputs);
        Assert.Equal((0, 1, 1), (fits, again.Replayed, again.Deferred));
    }

    public static TheoryData<string> Differences => new() { "observation", "query", "options", "settings", "inputs", "build", "learner", "length" };

    [Theory]
    [MemberData(nameof(Differences))]
    public void Outputs_AnythingTheOutputsDependOnDiffers_RunsTheDeferredFitsAndComputes(string difference)
    {
        var checkpoints = RunCheckpoints.InMemory();
        var stored = Learner(checkpoints);
        stored.Train([1, 2, 3], () => { });
        stored.Outputs([9], 2, () => [1.0, 2.0]);

        var other = difference switch
        {
            "options" => Learner(checkpoints, options: SmallNet with { Seed = 1 }),
            "settings" => Learner(checkpoints, settings: "max-snapshots 3"),
            "inputs" => Learner(checkpoints, inputs: [[0.5, 0.25], [0.0, 1.0]]),
            "build" => Learner(checkpoints, build: "another build"),
            "learner" => Learner(checkpoints, learner: "expo.instructions"),
            _ => Learner(checkpoints),
        };
        var fits = new List<int>();
        other.Train(new byte[] { 1, 2, (byte)(difference == "observation" ? 4 : 3) }, () => fits.Add(1));
        other.Train([5], () => fits.Add(2));
        int count = difference == "length" ? 3 : 2;
        var computed = new[] { 7.0, 8.0, 9.0 }[..count];
        var query = new byte[] { (byte)(difference == "query" ? 8 : 9) };
        var outputs = other.Outputs(query, count, () => fits.Count == 2 ? computed : throw new InvalidOperationException("fits not run first"));

        Assert.Equal(new[] { 1, 2 }, fits);
        Assert.Equal(computed, outputs);
        Assert.Equal((2, 0), (other.Fits, other.Replayed));
    }

    [Fact]
    public void Outputs_WithoutCheckpoints_FitsAtOnceAndStoresNothing()
    {
        var learner = Learner(null);
        int fits = 0;
        learner.Train([1], () => fits++);
        Assert.Equal(1, fits);
        Assert.Equal(new[] { 4.0 }, learner.Outputs([], 1, () => [4.0]));
        Assert.Equal((1, 0, 0), (learner.Fits, learner.Replayed, learner.Deferred));
    }

    [Fact]
    public void Build_NamesThisLibrarysVersionAndTheVectorWidth()
    {
        var version = typeof(ScoreNetwork).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.StartsWith(version + "; ", ScoreNetworkReplay.Build, StringComparison.Ordinal);
        Assert.Contains($"vector {System.Numerics.Vector<byte>.Count},", ScoreNetworkReplay.Build, StringComparison.Ordinal);
    }

    private static ScoreNetworkReplay Learner(
        RunCheckpoints? checkpoints, ScoreNetworkOptions? options = null, string settings = "", double[][]? inputs = null, string? build = null, string learner = "expo.arms") =>
        new(checkpoints, learner, options ?? SmallNet, 2, settings, inputs ?? [[0.5, 0.25], [1.0, 0.0]], build);

    private static ExpoOptions Options(ExpoStrategy strategy, bool joint, int steps) => new()
    {
        Strategy = strategy,
        Steps = steps,
        Network = SmallNet,
        ExemplarNetwork = SmallNet,
        MaxSnapshots = 4,
        JointArms = joint,
    };

    private static DecisionEnvironment Environment(string name) => name == "linreg"
        ? new LinearRegressionEnvironment("linreg", 5, new LinearRegressionOptions { ExemplarCount = 3 })
        : new BanditEnvironment(name, 1);

    private static ExpoController Controller(ExpoOptions options, RunCheckpoints? checkpoints) =>
        new(new SimAgentChatClient(), Embedder, new FixedExpoDomainSource(Descriptions, Instructions), options, null, checkpoints);

    private static async Task<InMemoryRunStore> StoreWithRunAsync()
    {
        var store = new InMemoryRunStore();
        await store.CreateOrOpenRunAsync(new RunStart(RunId, "expo", "{}", 5, new Dictionary<string, string>()));
        return store;
    }

    /// <summary>Bit-identical: every step record (arm, probability, reward, action, measures), every distribution, the final measures.</summary>
    private static void AssertSameRun(ExpoRunResult expected, ExpoRunResult actual)
    {
        Assert.Equal(expected.Arms, actual.Arms);
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.ProbabilityHistory.Count, actual.ProbabilityHistory.Count);
        for (int t = 0; t < expected.ProbabilityHistory.Count; t++)
        {
            Assert.Equal(expected.ProbabilityHistory[t].Select(BitConverter.DoubleToInt64Bits), actual.ProbabilityHistory[t].Select(BitConverter.DoubleToInt64Bits));
        }

        Assert.Equal(expected.FinalProbabilities.Select(BitConverter.DoubleToInt64Bits), actual.FinalProbabilities.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.ArmPulls, actual.ArmPulls);
        Assert.Equal(
            (expected.FinalPerformance, expected.FinalCumulativeRegret, expected.FinalBestValue, expected.CumulativeReward, expected.ParseFailures, expected.StopReason),
            (actual.FinalPerformance, actual.FinalCumulativeRegret, actual.FinalBestValue, actual.CumulativeReward, actual.ParseFailures, actual.StopReason));
    }

    private sealed class SyncProgress(Action<OptimizationEvent> report) : IProgress<OptimizationEvent>
    {
        public void Report(OptimizationEvent value) => report(value);
    }
}
