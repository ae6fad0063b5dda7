using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Simulation;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Optimizers.MetaSpo;

/// <summary>Builds MetaSPO requests on the simulator through the real model pipeline (usage, cache, throttle, retry).</summary>
internal static class MetaSpoFixture
{
    public static string RepoRoot => RepoPaths.Root;

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
        int maxConcurrency = 8,
        int? evaluationConcurrency = null)
    {
        var rig = new SimRig(new SimulatedWorld([.. source, .. unseen], sim ?? new SimOptions { Seed = seed }), budget, maxConcurrency: maxConcurrency);
        world = rig.World;
        return rig.PromptRequest(source[0], seed, trainSize, testSize, progress, evaluationConcurrency: evaluationConcurrency, sourceTasks: source, unseenTasks: unseen);
    }
}
