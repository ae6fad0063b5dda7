using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Simulation;
using PromptOpt.Storage;
using PromptOpt.Tests.Optimizers.DualPhase;

namespace PromptOpt.Tests.Optimizers.Expo;

/// <summary>
/// A simulated world serving the agent and optimizer roles through the real model pipeline (metering, cache), and a
/// <see cref="DecisionRequest"/> over it.
/// </summary>
/// <remarks>
/// Test setting (documented, for speed): the score networks have 32 hidden units and 20 epochs, and the hashing
/// embedder 128 dimensions per text, instead of the defaults (128 units, 50 epochs, 512 dimensions). Every other EXPO
/// and simulator option is its documented default.
/// </remarks>
internal sealed class ExpoRig
{
    public static readonly ScoreNetworkOptions TestNetwork = new() { HiddenUnits = 32, Epochs = 20 };

    public static readonly HashingEmbeddingGenerator TestEmbedder = new(new() { Dimensions = 128 });

    private ExpoRig(UsageMeter meter, DecisionRequest request, EventLog log)
    {
        Meter = meter;
        Request = request;
        Log = log;
    }

    public UsageMeter Meter { get; }

    public DecisionRequest Request { get; }

    public EventLog Log { get; }

    /// <summary>The test-setting options for a strategy.</summary>
    public static ExpoOptions Options(ExpoStrategy strategy) => new() { Strategy = strategy, Network = TestNetwork, ExemplarNetwork = TestNetwork };

    public static ExpoRig Create(string environment, int seed, int? steps = null, OptimizationBudget? budget = null)
    {
        var world = new SimulatedWorld(new SimOptions { Seed = seed });
        var meter = new UsageMeter(budget);
        var pipeline = new ModelPipelineOptions { Usage = meter, Cache = new InMemoryResponseCache(), SimulatorFactory = _ => world.CreateClient() };
        var log = new EventLog();
        var request = new DecisionRequest
        {
            EnvironmentName = environment,
            AgentModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Agent, pipeline),
            OptimizerModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Optimizer, pipeline),
            Embedder = TestEmbedder,
            Usage = meter,
            Seed = seed,
            Steps = steps,
            Progress = log,
        };
        return new ExpoRig(meter, request, log);
    }

    public Task<OptimizationResult> RunAsync(ExpoStrategy strategy, Func<ExpoOptions, ExpoOptions>? configure = null) =>
        new ExpoOptimizer((configure ?? (o => o))(Options(strategy))).OptimizeAsync(Request);
}
