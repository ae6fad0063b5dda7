using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Tests.Decision;

namespace PromptOpt.Tests.Optimizers.Expo;

public class ExpoControllerTests
{
    private static readonly ScoreNetworkOptions SmallNet = new() { HiddenUnits = 16, Epochs = 20 };
    private static readonly HashingEmbeddingGenerator Embedder = new(new() { Dimensions = 64 });

    // Instruction variants without any format phrase: with UnformattedFailureRate = 1 the agent never answers parseably.
    private static readonly string[] UnformattedInstructions =
    [
        "Suggest the next w and b to try.",
        "Tell me which w and b you would evaluate next.",
        "What pair should be evaluated next? Explain briefly.",
        "Propose another w and b, thinking about the trend.",
    ];

    private static readonly string[] Descriptions =
    [
        "We are minimising a function of w and b; the pairs below are sorted so the lowest value comes last.",
        "Find w and b with the lowest function value. Previous tries are listed below.",
    ];

    private static ExpoController Controller(ExpoOptions options, SimOptions? sim = null, IChatClient? agent = null) =>
        new(agent ?? new SimAgentChatClient(sim ?? new SimOptions()), Embedder, new FixedExpoDomainSource(Descriptions, UnformattedInstructions), options);

    [Fact]
    public async Task RunAsync_Expo_LearnsToPlayTheInstructionThatEarnsReward()
    {
        // A scripted agent: the original instruction (which names the [w, b] form) gets the optimum, every variant gets nothing parseable.
        var agent = new ScriptedAgent(text => text.Contains("in the form [w, b]", StringComparison.Ordinal) ? "so I choose [w, b] = [15, 14]" : "I am not sure.");
        var oproOptions = new LinearRegressionOptions { TrueSlope = 15, TrueIntercept = 14, StartMin = 30, StartMax = 40 }; // starts far from the optimum
        var expo = await Controller(new ExpoOptions { Steps = 40, Network = SmallNet }, agent: agent).RunAsync(new LinearRegressionEnvironment("linreg", 1, oproOptions), seed: 3);
        var uniform = await Controller(new ExpoOptions { Steps = 40, Strategy = ExpoStrategy.Uniform }, agent: agent).RunAsync(new LinearRegressionEnvironment("linreg", 1, oproOptions), seed: 3);

        Assert.Equal(15, expo.Arms.Count); // 3 descriptions × 5 instructions, originals first
        Assert.Equal(new LinearRegressionEnvironment("linreg", 1).OriginalMetaPrompt, expo.Arms[0].MetaPrompt);
        double Original(ExpoRunResult r) => r.Steps.Count(s => r.Arms[s.Arm].InstructionIndex == 0) / (double)r.Steps.Count;
        Assert.True(Original(expo) > 0.6, $"EXPO played the rewarded instruction {Original(expo):P0} of the time");
        Assert.True(Original(expo) > Original(uniform) + 0.3);
        Assert.True(expo.ParseFailures < uniform.ParseFailures);
        Assert.True(expo.FinalProbabilities.Where((_, a) => expo.Arms[a].InstructionIndex == 0).Sum() > 0.95);
    }

    [Fact]
    public async Task RunAsync_ExpoWithSimulatedAgent_OnlyFormatArmsParseWhenUnformattedRepliesAlwaysFail()
    {
        var sim = new SimOptions { Agent = new AgentSimOptions { UnformattedFailureRate = 1.0 } };
        var r = await Controller(new ExpoOptions { Steps = 20, Network = SmallNet }, sim).RunAsync(new LinearRegressionEnvironment("linreg", 2), seed: 1);
        Assert.All(r.Steps, s => Assert.Equal(r.Arms[s.Arm].InstructionIndex == 0, s.Parsed));
    }

    [Fact]
    public async Task RunAsync_SameSeed_IsDeterministic()
    {
        var options = new ExpoOptions { Steps = 12, Network = SmallNet };
        var a = await Controller(options).RunAsync(new LinearRegressionEnvironment("linreg", 2), seed: 5);
        var b = await Controller(options).RunAsync(new LinearRegressionEnvironment("linreg", 2), seed: 5);
        Assert.Equal(a.Steps, b.Steps);
        Assert.Equal(a.FinalProbabilities, b.FinalProbabilities);
    }

    [Fact]
    public async Task RunAsync_Fixed_AlwaysPlaysTheOriginalMetaPrompt()
    {
        var agent = new SimAgentChatClient();
        var env = new BanditEnvironment("bandit-easy", 4, BanditOptions.Easy);
        var r = await Controller(new ExpoOptions { Strategy = ExpoStrategy.Fixed, Steps = 10 }, agent: agent).RunAsync(env, seed: 1);
        Assert.Single(r.Arms);
        Assert.All(r.Steps, s => Assert.Equal(0, s.Arm));
        Assert.Equal(10, agent.Calls);
        Assert.Equal(env.Performance, r.FinalPerformance);
        Assert.Equal("cumulative_regret", r.PerformanceMeasureName);
    }

    [Theory]
    [InlineData(ExpoStrategy.Uniform)]
    [InlineData(ExpoStrategy.Exp3)]
    [InlineData(ExpoStrategy.EpsilonGreedy)]
    [InlineData(ExpoStrategy.Expo)]
    public async Task RunAsync_EachStrategy_CompletesWithValidDistribution(ExpoStrategy strategy)
    {
        var r = await Controller(new ExpoOptions { Strategy = strategy, Steps = 15, Network = SmallNet }).RunAsync(new TspEnvironment("tsp-10", 1), seed: 2);
        Assert.Equal(15, r.Steps.Count);
        Assert.Equal(1.0, r.FinalProbabilities.Sum(), 9);
        Assert.Equal(15, r.ArmPulls.Sum());
        Assert.All(r.Steps, s => Assert.InRange(s.Probability, 1e-12, 1));
        Assert.Equal("completed", r.StopReason);
    }

    [Fact]
    public async Task RunAsync_SeparateBandits_ProbabilitiesFactorise()
    {
        var options = new ExpoOptions { Steps = 10, Network = SmallNet, JointArms = false, Labels = ExpoLabelMode.ImportanceWeighted };
        var r = await Controller(options).RunAsync(new LinearRegressionEnvironment("linreg", 3), seed: 1);
        int k2 = 5;
        var p = r.FinalProbabilities;
        var pd = Enumerable.Range(0, p.Count / k2).Select(d => Enumerable.Range(0, k2).Sum(i => p[(d * k2) + i])).ToArray();
        var pi = Enumerable.Range(0, k2).Select(i => Enumerable.Range(0, p.Count / k2).Sum(d => p[(d * k2) + i])).ToArray();
        for (int d = 0; d < pd.Length; d++)
        {
            for (int i = 0; i < k2; i++)
            {
                Assert.Equal(pd[d] * pi[i], p[(d * k2) + i], 9);
            }
        }
    }

    [Fact]
    public async Task RunAsync_ExpoEs_ChoosesExemplarSetsOnceThePoolExceedsTheUsualCount()
    {
        var env = new LinearRegressionEnvironment("linreg", 5, new LinearRegressionOptions { ExemplarCount = 3 });
        var r = await Controller(new ExpoOptions { Strategy = ExpoStrategy.ExpoEs, Steps = 8, Network = SmallNet, ExemplarNetwork = SmallNet, MaxSnapshots = 3 })
            .RunAsync(env, seed: 4);
        Assert.All(r.Steps, s => Assert.Equal(3, s.ExemplarCount));
        var bandit = await Controller(new ExpoOptions { Strategy = ExpoStrategy.ExpoEs, Steps = 5, Network = SmallNet })
            .RunAsync(new BanditEnvironment("bandit-hard", 1), seed: 4);
        Assert.All(bandit.Steps, s => Assert.Null(s.ExemplarCount)); // the bandit's block is the whole history
    }

    [Fact]
    public async Task ExemplarSelector_Updates_KeepAtMostMaxSnapshotsAndPreferRewardedSets()
    {
        var env = new TspEnvironment("tsp-10", 2, new TspOptions { ExemplarCount = 2 });
        var selector = new NeuralExemplarSelector(Embedder, SmallNet with { Epochs = 50, LearningRate = 1e-2 }, 6, true, false, 3, new ExponentialWeightsSampler(5));
        var rng = new Random(1);
        for (int t = 0; t < 6; t++)
        {
            var choice = (await selector.ChooseAsync(env, rng, default))!;
            Assert.Equal(2, choice.Count);
            selector.Update(choice.Embedding, choice.Selection is null ? 1 : 0);
        }

        Assert.Equal(3, selector.SnapshotCount);
        int defaults = 0;
        for (int t = 0; t < 20; t++)
        {
            defaults += (await selector.ChooseAsync(env, rng, default))!.Selection is null ? 1 : 0;
        }

        Assert.True(defaults >= 10, $"the rewarded default block was chosen {defaults}/20 times");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExemplarSelector_KeepBest_EveryCandidateSetHoldsTheBestPoint(bool keepBest)
    {
        var env = new LinearRegressionEnvironment("linreg", 5, new LinearRegressionOptions { ExemplarCount = 2 });
        int best = env.BestExemplarIndex!.Value;
        Assert.True(env.ExemplarPoolCount > 2);
        Assert.EndsWith(env.RenderExemplars([best]), env.RenderExemplars(), StringComparison.Ordinal); // the default block ends with the best point
        var selector = new NeuralExemplarSelector(Embedder, SmallNet, 1, includeDefault: false, keepBest, 3, new ExponentialWeightsSampler(1));
        var rng = new Random(3);
        int withBest = 0;
        for (int t = 0; t < 30; t++)
        {
            var choice = (await selector.ChooseAsync(env, rng, default))!;
            Assert.Equal(2, choice.Selection!.Distinct().Count());
            withBest += choice.Selection!.Contains(best) ? 1 : 0;
        }

        if (keepBest)
        {
            Assert.Equal(30, withBest);
        }
        else
        {
            Assert.InRange(withBest, 1, 29); // plain random subsets (ALGORITHMS.md §5) leave the best point out now and then
        }
    }

    [Fact]
    public async Task RunAsync_BudgetSpent_StopsWithBudgetReason()
    {
        var agent = new BudgetedClient(new SimAgentChatClient(), 6);
        var r = await Controller(new ExpoOptions { Steps = 20, Network = SmallNet }, agent: agent).RunAsync(new BanditEnvironment("bandit-hard", 1), seed: 1);
        Assert.Equal("budget", r.StopReason);
        Assert.Equal(6, r.Steps.Count);
    }

    [Fact]
    public async Task RunAsync_EmbedderMeetsSpentTokenBudget_StopsWithBudgetReasonBeforeAnyStep()
    {
        var meter = new UsageMeter(new OptimizationBudget { MaxTokens = 0 });
        var metered = new UsageTrackingEmbeddingGenerator(Embedder, meter); // as a provider embedder is metered
        var controller = new ExpoController(new SimAgentChatClient(), metered, new FixedExpoDomainSource(Descriptions, UnformattedInstructions),
            new ExpoOptions { Steps = 5, Network = SmallNet });
        var events = new List<OptimizationEvent>();

        var r = await controller.RunAsync(new BanditEnvironment("bandit-hard", 1), seed: 1, new SyncProgress(events.Add));

        Assert.Equal("budget", r.StopReason);
        Assert.Empty(r.Steps);
        Assert.Contains(events.OfType<RunNotice>(), n => n.Message.StartsWith("the budget ran out while embedding the arms: token budget of 0 spent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_Progress_ReportsStartStepsAndCompletion()
    {
        var events = new List<OptimizationEvent>();
        await Controller(new ExpoOptions { Strategy = ExpoStrategy.Uniform, Steps = 3 }).RunAsync(new BanditEnvironment("bandit-hard", 1), 1, new SyncProgress(events.Add));
        Assert.IsType<RunStarted>(events[0]);
        Assert.Equal(3, events.OfType<StepCompleted>().Count());
        Assert.Equal("completed", Assert.IsType<RunCompleted>(events[^1]).StopReason);
    }

    [Fact]
    public void Ctor_InvalidOptions_ReportsAllErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => Controller(new ExpoOptions { DescriptionCount = 0, Gamma = 2, Epsilon = -1 }));
        Assert.Contains("'description-count'", ex.Message);
        Assert.Contains("'gamma'", ex.Message);
        Assert.Contains("'epsilon'", ex.Message);
    }

    [Fact]
    public void Options_Defaults_MatchAlgorithmsSection5()
    {
        var o = new ExpoOptions();
        Assert.Equal((5, 5, 8, 50, 0.0, 0.1), (o.DescriptionCount, o.InstructionCount, o.ExemplarCandidates, o.MaxSnapshots, o.Gamma, o.Epsilon));
        Assert.Equal(ExpoLabelMode.RawScore, o.Labels);
        Assert.True(o.JointArms);
        Assert.Equal((128, 1e-3, 50, 64, true), (o.Network.HiddenUnits, o.Network.LearningRate, o.Network.Epochs, o.Network.BatchSize, o.Network.WarmStart));
    }

    [Fact]
    public async Task FixedDomainSource_OriginalFirstDistinctAndTruncated()
    {
        var src = new FixedExpoDomainSource(["a", "orig-d", "b", "a", "c"], ["x"]);
        var d = await src.GetDomainAsync(new MetaPrompt("orig-d", "orig-i"), 3, 5);
        Assert.Equal(["orig-d", "a", "b"], d.Descriptions);
        Assert.Equal(["orig-i", "x"], d.Instructions);
    }

    [Fact]
    public async Task LlmDomainSource_SimulatedOptimizer_OriginalsFirstAndVariantsCarryAgentSkills()
    {
        var world = new SimulatedWorld(new SimOptions { Seed = 4 });
        var env = new BanditEnvironment("bandit-hard", 1);
        var domain = await new LlmExpoDomainSource(new PromptOperations(world.CreateClient())).GetDomainAsync(env.OriginalMetaPrompt, 5, 5);
        Assert.Equal(env.OriginalTaskDescription, domain.Descriptions[0]);
        Assert.Equal(env.OriginalMetaInstruction, domain.Instructions[0]);
        Assert.InRange(domain.Descriptions.Count, 2, 5);
        Assert.InRange(domain.Instructions.Count, 2, 5);
        var variants = domain.Descriptions.Skip(1).Concat(domain.Instructions.Skip(1)).ToArray();
        Assert.Contains(variants, v => AgentSkills.Read(v) is var s && new[] { s.Explore, s.Exploit, s.Reasoning, s.Statistics, s.Refine, s.Diverse }.Max() >= 0.5);
    }

    [Fact]
    public async Task RunAsync_FullySimulatedWorld_RunsEndToEnd()
    {
        var world = new SimulatedWorld(new SimOptions { Seed = 6 });
        var controller = new ExpoController(world.CreateClient(), Embedder, new LlmExpoDomainSource(new PromptOperations(world.CreateClient())),
            new ExpoOptions { Steps = 30, Network = SmallNet });
        var r = await controller.RunAsync(EnvironmentCatalog.Create("tsp-10", 6), seed: 6);
        Assert.Equal(30, r.Steps.Count);
        Assert.True(r.Arms.Count > 1);
        Assert.True(r.Steps.Count(s => s.Parsed) >= 25);
        Assert.True(r.FinalPerformance < r.Steps[0].Performance || r.FinalPerformance == 0);
    }

    [Fact]
    public void BaselinePolicies_UpdateAsSpecified()
    {
        var exp3 = new Exp3ArmPolicy(3, 0.5, 0);
        exp3.Update(2, 1.0, 1.0 / 3);
        var p = exp3.Probabilities();
        Assert.Equal(Math.Exp(1.5) / (Math.Exp(1.5) + 2), p[2], 9);

        var greedy = new EpsilonGreedyArmPolicy(4, 0.1);
        Assert.Equal(0.925, greedy.Probabilities()[0], 9); // nothing played: the original
        greedy.Update(1, 0.2, 1);
        greedy.Update(3, 0.9, 1);
        var g = greedy.Probabilities();
        Assert.Equal(0.925, g[3], 9);
        Assert.Equal(0.025, g[1], 9);
    }

    private sealed class ScriptedAgent(Func<string, string> reply) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply(string.Join("\n", messages.Select(m => m.Text))))));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class SyncProgress(Action<OptimizationEvent> report) : IProgress<OptimizationEvent>
    {
        public void Report(OptimizationEvent value) => report(value);
    }

    private sealed class BudgetedClient(IChatClient inner, int calls) : DelegatingChatClient(inner)
    {
        private int _used;

        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            ++_used > calls ? throw new BudgetExhaustedException("spent") : base.GetResponseAsync(messages, options, cancellationToken);
    }
}
