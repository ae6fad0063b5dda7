using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Storage;

namespace PromptOpt.Tests.TestDoubles;

/// <summary>
/// A simulated world served through the real model pipeline (<see cref="ModelFactory.Create"/>: usage metering, an
/// optional in-memory cache, throttle, retry), one <see cref="UsageMeter"/> for every role, and the optimization and
/// prompt-optimization requests the optimizer tests run over it.
/// </summary>
internal sealed class SimRig
{
    private readonly ModelPipelineOptions _pipeline;

    /// <summary>Initializes a new instance of the <see cref="SimRig"/> class.</summary>
    /// <param name="world">The world every role answers from.</param>
    /// <param name="budget">The budget of the meter, or <see langword="null"/> for none.</param>
    /// <param name="cache">Whether the pipeline has an in-memory response cache.</param>
    /// <param name="maxConcurrency">The maximum concurrent calls of each role's pipeline.</param>
    public SimRig(SimulatedWorld world, OptimizationBudget? budget = null, bool cache = true, int maxConcurrency = 8)
    {
        World = world;
        Meter = new UsageMeter(budget);
        _pipeline = new ModelPipelineOptions
        {
            Usage = Meter,
            Cache = cache ? new InMemoryResponseCache() : null,
            MaxConcurrency = maxConcurrency,
            SimulatorFactory = _ => world.CreateClient(),
        };
    }

    /// <summary>Gets the world.</summary>
    public SimulatedWorld World { get; }

    /// <summary>Gets the meter shared by all roles.</summary>
    public UsageMeter Meter { get; }

    /// <summary>Builds a <c>sim</c> model for <paramref name="role"/> (see <see cref="ModelRoles"/>) through the pipeline.</summary>
    public IChatClient CreateModel(string role) => ModelFactory.Create(ModelSpec.Parse("sim"), role, _pipeline);

    /// <summary>Gets the calls metered for <paramref name="role"/> so far.</summary>
    public long Calls(string role) => Meter.Snapshot().For(role).Calls;

    /// <summary>A prompt-optimization request on <paramref name="task"/> with fresh task and optimizer models.</summary>
    public OptimizationRequest PromptRequest(
        TaskDefinition task,
        int seed,
        int trainSize,
        int? testSize,
        IProgress<OptimizationEvent>? progress = null,
        Prompt? start = null,
        int? evaluationConcurrency = null,
        IReadOnlyList<TaskDefinition>? sourceTasks = null,
        IReadOnlyList<TaskDefinition>? unseenTasks = null) => new()
        {
            Task = task,
            StartPrompt = start,
            TaskModel = CreateModel(ModelRoles.Task),
            OptimizerModel = CreateModel(ModelRoles.Optimizer),
            Usage = Meter,
            Seed = seed,
            TrainSize = trainSize,
            TestSize = testSize,
            Evaluation = evaluationConcurrency is { } concurrency ? new() { MaxConcurrency = concurrency } : new(),
            Progress = progress,
            SourceTasks = sourceTasks ?? [],
            UnseenTasks = unseenTasks ?? [],
        };
}
