using System.Security.Cryptography;
using PromptOpt.Decision;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Storage;
using PromptOpt.Tests.Decision;

namespace PromptOpt.Tests.Optimizers.Expo;

/// <summary>
/// EXPO's per-step CPU work (issue 17 item 1) is made cheaper without changing a bit: short runs with the default
/// options are pinned to the trajectories main produced before that work (arms, rewards and every probability), and
/// fitting the network for each possible reward while the agent acts gives the same run as fitting after the reward.
/// </summary>
public class ExpoSpeculationTests
{
    private const string RunId = "speculation-run";

    private static readonly string[] Descriptions = ["Variant one of the task description, shorter.", "A second way to describe the same task."];

    private static readonly string[] Instructions = ["Think step by step, then answer.", "Answer directly in the required format."];

    /// <summary>
    /// The pins: computed with main at 713d850 (before the fused score-network passes and the speculative fits), default
    /// <see cref="ExpoOptions"/> with 12 steps, the default hashing embedder, seed 5; SHA-256 over the bits of every
    /// probability of every step, the final probabilities and every reward.
    /// </summary>
    public static TheoryData<string, ExpoStrategy, bool?, int[], string> Pins => new()
    {
        { "bandit-hard", ExpoStrategy.Expo, null, BanditArms, BanditHash },
        { "bandit-hard", ExpoStrategy.Expo, true, BanditArms, BanditHash },
        { "bandit-hard", ExpoStrategy.Expo, false, BanditArms, BanditHash },
        { "linreg", ExpoStrategy.ExpoEs, null, LinregArms, LinregHash },
        { "linreg", ExpoStrategy.ExpoEs, true, LinregArms, LinregHash },
    };

    private static int[] BanditArms => [2, 2, 5, 3, 8, 1, 8, 5, 1, 8, 6, 2];

    private static string BanditHash => "1607a8e76b3a90c533333889e5400a982a543f09cf7be26ad44aff635432ab95";

    private static int[] LinregArms => [2, 4, 2, 7, 1, 8, 2, 2, 7, 2, 2, 2];

    private static string LinregHash => "42751ebf49b33103d5d61d72abaa0191144b24e35c40be8af17d7d000fe2ba9d";

    [Theory]
    [MemberData(nameof(Pins))]
    public async Task RunAsync_ShortDefaultRun_TrajectoryBitIdenticalToMainsBeforeTheCpuWork(string env, ExpoStrategy strategy, bool? speculation, int[] arms, string hash)
    {
        var controller = Controller(strategy, null);
        controller.Speculation = speculation;

        var run = await controller.RunAsync(EnvironmentCatalog.Create(env, 5), seed: 5);

        Assert.Equal(arms, run.Steps.Select(s => s.Arm));
        Assert.Equal(hash, Hash(run));
        if (speculation == true)
        {
            // A bandit lists its rewards (0 and 1), so every step's fit was the speculative one; linreg lists none.
            Assert.Equal(env == "bandit-hard" ? 12 : 0, controller.SpeculativeHits);
        }
        else if (speculation == false)
        {
            Assert.Equal(0, controller.SpeculativeHits);
        }
    }

    [Fact]
    public async Task RunAsync_SpeculativeFitsWithCheckpoints_ReplayTakesTheStoredOutputsAndSpeculatesNothing()
    {
        var store = new InMemoryRunStore();
        await store.CreateOrOpenRunAsync(new RunStart(RunId, "expo", "{}", 5, new Dictionary<string, string>()));
        var cold = Controller(ExpoStrategy.Expo, await RunCheckpoints.OpenAsync(store, RunId));
        cold.Speculation = true;
        var coldRun = await cold.RunAsync(EnvironmentCatalog.Create("bandit-hard", 5), seed: 5);
        var replay = Controller(ExpoStrategy.Expo, await RunCheckpoints.OpenAsync(store, RunId));
        replay.Speculation = true;
        var replayRun = await replay.RunAsync(EnvironmentCatalog.Create("bandit-hard", 5), seed: 5);

        Assert.Equal(BanditHash, Hash(coldRun));
        Assert.Equal(BanditHash, Hash(replayRun));
        Assert.Equal(12, cold.SpeculativeHits);
        Assert.Equal(0, replay.SpeculativeHits);
        Assert.Equal(0, replayRun.NetworkFits);
        Assert.Equal(12, replayRun.ReplayedNetworkOutputs);
    }

    /// <summary>
    /// The full horizon (100 steps of bandit-hard, default options, seed 1), pinned to a SHA-256 of every probability and
    /// reward computed with the sources before the speculative fits moved to their own threads, were copied there and
    /// exchanged back (7bfd89b): every way of running the fits gives those bits, with and without the run's checkpoints,
    /// and a replay of the checkpointed run too.
    /// </summary>
    public static TheoryData<ExpoStrategy, bool?, bool, string> FullHorizonPins => new()
    {
        { ExpoStrategy.Expo, null, false, FullHorizonExpoHash },
        { ExpoStrategy.Expo, true, false, FullHorizonExpoHash },
        { ExpoStrategy.Expo, false, false, FullHorizonExpoHash },
        { ExpoStrategy.Expo, true, true, FullHorizonExpoHash },
        { ExpoStrategy.ExpoEs, true, true, FullHorizonExpoEsHash },
    };

    private static string FullHorizonExpoHash => "6752e18de3778269151249832558296d7dfffb3b5764e3a61f735070fd10f729";

    private static string FullHorizonExpoEsHash => "86410c01807cfa54181c57fcd8ed97f4922457ee76b85f6039ea5ad27cdb34b3";

    [Theory]
    [MemberData(nameof(FullHorizonPins))]
    public async Task RunAsync_FullBanditHorizon_BitIdenticalToTheSourcesBeforeTheFitThreads(ExpoStrategy strategy, bool? speculation, bool checkpointed, string hash)
    {
        var store = new InMemoryRunStore();
        await store.CreateOrOpenRunAsync(new RunStart(RunId, "expo", "{}", 1, new Dictionary<string, string>()));
        async Task<(ExpoController Controller, ExpoRunResult Run)> RunAsync()
        {
            var controller = Controller(strategy, checkpointed ? await RunCheckpoints.OpenAsync(store, RunId) : null, steps: null);
            controller.Speculation = speculation;
            return (controller, await controller.RunAsync(EnvironmentCatalog.Create("bandit-hard", 1), seed: 1));
        }

        var (cold, coldRun) = await RunAsync();

        Assert.Equal(100, coldRun.Steps.Count);
        Assert.Equal(hash, Hash(coldRun));
        if (speculation == true)
        {
            Assert.Equal(100, cold.SpeculativeHits);
        }

        if (checkpointed)
        {
            var (_, replayRun) = await RunAsync();
            Assert.Equal(hash, Hash(replayRun));
            Assert.Equal(0, replayRun.NetworkFits);
        }
    }

    private static ExpoController Controller(ExpoStrategy strategy, RunCheckpoints? checkpoints, int? steps = 12) =>
        new(new SimAgentChatClient(), new HashingEmbeddingGenerator(), new FixedExpoDomainSource(Descriptions, Instructions),
            new ExpoOptions { Strategy = strategy, Steps = steps }, null, checkpoints);

    private static string Hash(ExpoRunResult run)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in run.ProbabilityHistory.SelectMany(x => x).Concat(run.FinalProbabilities).Concat(run.Steps.Select(s => s.Reward)))
        {
            hash.AppendData(BitConverter.GetBytes(BitConverter.DoubleToInt64Bits(p)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
