using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Simulation;
using PromptOpt.Storage;

namespace PromptOpt.Tests.Optimizers.MetaSpo;

/// <summary>Collects progress events synchronously (no SynchronizationContext posting).</summary>
public sealed class EventLog : IProgress<OptimizationEvent>
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
}

/// <summary>Builds MetaSPO requests on the simulator through the real model pipeline (usage, cache, throttle, retry).</summary>
internal static class MetaSpoFixture
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PromptOpt.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("repository root (PromptOpt.slnx) not found");
        }
    }

    public static string Example(string relative) => Path.Combine(RepoRoot, "examples", relative);

    public static ResolvedTaskSuite BuiltInSuite(int seed = 1) => TaskSuiteLoader.Load(Example("metaspo-builtin.yaml")).Resolve(seed);

    public static OptimizationRequest Request(
        IReadOnlyList<TaskDefinition> source,
        IReadOnlyList<TaskDefinition> unseen,
        out SimulatedWorld world,
        int seed = 1,
        int trainSize = 30,
        int testSize = 100,
        OptimizationBudget? budget = null,
        IProgress<OptimizationEvent>? progress = null,
        SimOptions? sim = null,
        int maxConcurrency = 8)
    {
        var w = new SimulatedWorld([.. source, .. unseen], sim ?? new SimOptions { Seed = seed });
        world = w;
        var meter = new UsageMeter(budget);
        var pipeline = new ModelPipelineOptions
        {
            Usage = meter,
            Cache = new InMemoryResponseCache(),
            MaxConcurrency = maxConcurrency,
            SimulatorFactory = _ => w.CreateClient(),
        };
        return new OptimizationRequest
        {
            Task = source[0],
            SourceTasks = source,
            UnseenTasks = unseen,
            TaskModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Task, pipeline),
            OptimizerModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Optimizer, pipeline),
            Usage = meter,
            Seed = seed,
            TrainSize = trainSize,
            TestSize = testSize,
            Progress = progress,
        };
    }
}
