using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Simulation;
using PromptOpt.Tests.TestDoubles;

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
        var sim = new SimRig(new SimulatedWorld(new SimOptions { Seed = seed }), budget);
        var log = new EventLog();
        return new ExpoRig(sim.Meter, CreateRequest(sim, environment, seed, steps, log), log);
    }

    /// <summary>A decision request in <paramref name="environment"/> with fresh agent and optimizer models of <paramref name="sim"/> and the test embedder.</summary>
    public static DecisionRequest CreateRequest(SimRig sim, string environment, int seed, int? steps, IProgress<OptimizationEvent>? progress = null) => new()
    {
        EnvironmentName = environment,
        AgentModel = sim.CreateModel(ModelRoles.Agent),
        OptimizerModel = sim.CreateModel(ModelRoles.Optimizer),
        Embedder = TestEmbedder,
        Usage = sim.Meter,
        Seed = seed,
        Steps = steps,
        Progress = progress,
    };

    public Task<OptimizationResult> RunAsync(ExpoStrategy strategy, Func<ExpoOptions, ExpoOptions>? configure = null) =>
        new ExpoOptimizer((configure ?? (o => o))(Options(strategy))).OptimizeAsync(Request);
}
