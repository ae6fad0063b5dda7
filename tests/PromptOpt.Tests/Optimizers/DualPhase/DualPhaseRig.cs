using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Optimizers.DualPhase;

/// <summary>A built-in task, a simulated world serving the task and optimizer roles through the real pipeline, and a request.</summary>
internal sealed class DualPhaseRig
{
    public const int DataSeed = 11;

    private readonly SimRig _sim;

    private DualPhaseRig(TaskDefinition task, SimRig sim, OptimizationRequest request, EventLog log)
    {
        Task = task;
        _sim = sim;
        Request = request;
        Log = log;
    }

    public TaskDefinition Task { get; }

    public SimulatedWorld World => _sim.World;

    public UsageMeter Meter => _sim.Meter;

    public OptimizationRequest Request { get; }

    public EventLog Log { get; }

    public static DualPhaseRig Create(
        string taskName, int seed = 3, OptimizationBudget? budget = null, int trainSize = 40, int testSize = 150, Prompt? start = null, int worldSeed = 5)
    {
        var task = BuiltInTasks.Create(taskName, DataSeed, trainSize: 100, testSize: 200);
        var sim = new SimRig(SimulatorModels.CreateWorld([task], options: new SimOptions { Seed = worldSeed }), budget, maxConcurrency: 4);
        var log = new EventLog();
        var request = sim.PromptRequest(task, seed, trainSize, testSize, log, start, evaluationConcurrency: 4);
        return new DualPhaseRig(task, sim, request, log);
    }

    public long TaskCalls => _sim.Calls(ModelRoles.Task);

    public long OptimizerCalls => _sim.Calls(ModelRoles.Optimizer);
}
