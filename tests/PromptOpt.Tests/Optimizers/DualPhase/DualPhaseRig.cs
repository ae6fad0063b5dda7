using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Storage;

namespace PromptOpt.Tests.Optimizers.DualPhase;

/// <summary>Collects events synchronously (Progress&lt;T&gt; would post them later).</summary>
internal sealed class EventLog : IProgress<OptimizationEvent>
{
    private readonly List<OptimizationEvent> _events = [];

    public IReadOnlyList<OptimizationEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToList();
            }
        }
    }

    public void Report(OptimizationEvent value)
    {
        lock (_events)
        {
            _events.Add(value);
        }
    }

    public IReadOnlyList<T> Of<T>() where T : OptimizationEvent => Events.OfType<T>().ToList();
}

/// <summary>A built-in task, a simulated world serving the task and optimizer roles through the real pipeline, and a request.</summary>
internal sealed class DualPhaseRig
{
    public const int DataSeed = 11;

    private DualPhaseRig(TaskDefinition task, SimulatedWorld world, UsageMeter meter, OptimizationRequest request, EventLog log)
    {
        Task = task;
        World = world;
        Meter = meter;
        Request = request;
        Log = log;
    }

    public TaskDefinition Task { get; }

    public SimulatedWorld World { get; }

    public UsageMeter Meter { get; }

    public OptimizationRequest Request { get; }

    public EventLog Log { get; }

    public static DualPhaseRig Create(
        string taskName, int seed = 3, OptimizationBudget? budget = null, int trainSize = 40, int testSize = 150, Prompt? start = null, int worldSeed = 5)
    {
        var task = BuiltInTasks.Create(taskName, DataSeed, trainSize: 100, testSize: 200);
        var world = SimulatorModels.CreateWorld([task], options: new SimOptions { Seed = worldSeed });
        var meter = new UsageMeter(budget);
        var pipeline = new ModelPipelineOptions
        {
            Usage = meter,
            Cache = new InMemoryResponseCache(),
            SimulatorFactory = _ => world.CreateClient(),
            MaxConcurrency = 4,
        };
        var log = new EventLog();
        var request = new OptimizationRequest
        {
            Task = task,
            StartPrompt = start,
            TaskModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Task, pipeline),
            OptimizerModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Optimizer, pipeline),
            Usage = meter,
            Seed = seed,
            TrainSize = trainSize,
            TestSize = testSize,
            Evaluation = new PromptOpt.Evaluation.EvaluationOptions { MaxConcurrency = 4 },
            Progress = log,
        };
        return new DualPhaseRig(task, world, meter, request, log);
    }

    public long TaskCalls => Meter.Snapshot().For(ModelRoles.Task).Calls;

    public long OptimizerCalls => Meter.Snapshot().For(ModelRoles.Optimizer).Calls;
}
