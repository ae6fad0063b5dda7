using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Optimizers.Baselines;

/// <summary>Builds simulator-backed optimization requests for the baseline tests (small V and test sets, fixed seeds).</summary>
internal static class BaselineRig
{
    public const int TrainSize = 40;
    public const int TestSize = 150;

    public static TaskDefinition Task(string name, int seed = 11) => BuiltInTasks.Create(name, seed, trainSize: 80, testSize: TestSize);

    public static OptimizationRequest Request(
        TaskDefinition task,
        OptimizationBudget? budget = null,
        int seed = 3,
        IProgress<OptimizationEvent>? progress = null,
        Prompt? start = null,
        int trainSize = TrainSize,
        SimOptions? sim = null) =>
        new SimRig(SimulatorModels.CreateWorld([task], options: sim), budget, cache: false).PromptRequest(task, seed, trainSize, TestSize, progress, start);
}

/// <summary>Assertions shared by the baseline tests.</summary>
internal static class BaselineAssert
{
    /// <summary>
    /// Asserts a real improvement on held-out data: the measured test score rose by at least <paramref name="minTestGain"/>,
    /// the simulator's expected test score (independent of sampling luck) rose too, and V and the test split are disjoint.
    /// </summary>
    public static void ImprovesOnTest(TaskDefinition task, OptimizationResult result, double minTestGain = 0.1)
    {
        Assert.NotNull(result.StartTestScore);
        Assert.NotNull(result.BestTestScore);
        Assert.True(result.BestTrainScore > result.StartTrainScore, $"train {result.StartTrainScore} -> {result.BestTrainScore}");
        Assert.True(result.BestTestScore >= result.StartTestScore + minTestGain, $"test {result.StartTestScore} -> {result.BestTestScore}");

        var v = OptimizationSession.SampleTrain(task, BaselineRig.TrainSize, 3).Select(e => e.Id).ToHashSet();
        Assert.DoesNotContain(task.Dataset.Test, e => v.Contains(e.Id));

        var world = SimulatorModels.CreateWorld([task]);
        double before = world.ExpectedScore(result.StartPrompt, task.Name, task.Dataset.Test);
        double after = world.ExpectedScore(result.BestPrompt, task.Name, task.Dataset.Test);
        Assert.True(after > before + 0.05, $"expected test score {before:0.000} -> {after:0.000}");
        var gained = world.Analyze(result.BestPrompt, task.Name).ActiveSkills - world.Analyze(result.StartPrompt, task.Name).ActiveSkills;
        Assert.True(gained > 0, "the best prompt activates no more skills (a ≥ 0.5) than the start prompt");
    }
}
