using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.DualPhase;

namespace PromptOpt.Tests.Optimizers.DualPhase;

public class DualPhaseBudgetTests
{
    [Theory]
    [InlineData(95)] // inside P0's evaluation
    [InlineData(150)] // inside phase 2
    public async Task OptimizeAsync_TaskCallBudget_NeverExceededAndStopsCleanly(int budget)
    {
        var rig = DualPhaseRig.Create("navigate", budget: new OptimizationBudget { MaxTaskCalls = budget });

        var r = await new DualPhaseOptimizer().OptimizeAsync(rig.Request);

        Assert.True(rig.TaskCalls <= budget, $"{rig.TaskCalls} task calls for a budget of {budget}");
        Assert.Equal(DualPhaseNames.StopBudget, r.StopReason);
        Assert.Contains(rig.Log.Of<RunNotice>(), n => n.Message.Contains("task-call budget", StringComparison.Ordinal));
        Assert.True(r.BestPrompt.HasPlaceholder);
        Assert.True(r.BestTrainScore >= r.StartTrainScore);
        Assert.Contains(r.Candidates, c => c.Prompt == r.BestPrompt && c.TrainScore == r.BestTrainScore);
        Assert.NotNull(r.BestTestScore); // test scoring is not charged to the budget
        Assert.IsType<RunCompleted>(rig.Log.Events[^1]);
    }

    [Fact]
    public async Task OptimizeAsync_OptimizerCallBudget_StopsCleanlyWithBestSoFar()
    {
        // multistep_arithmetic: on simulator v2 the word_sorting P0 leaves no training failures, so the run stops before the budget.
        var rig = DualPhaseRig.Create("multistep_arithmetic", budget: new OptimizationBudget { MaxOptimizerCalls = 3 });

        var r = await new DualPhaseOptimizer().OptimizeAsync(rig.Request);

        Assert.Equal(3, rig.OptimizerCalls);
        Assert.Equal(DualPhaseNames.StopBudget, r.StopReason);
        Assert.True(r.BestTrainScore >= r.Candidates.Where(c => c.Accepted).Max(c => c.TrainScore ?? 0));
    }

    [Fact]
    public async Task OptimizeAsync_BudgetTooSmallForOneStep_WarnsBeforeAnyCall()
    {
        long callsAtStart = -1;
        var rig = DualPhaseRig.Create("object_counting", budget: new OptimizationBudget { MaxTaskCalls = 100 });
        var request = rig.Request;
        var log = new CallbackLog(e =>
        {
            if (e is RunStarted)
            {
                var u = request.Usage.Snapshot();
                callsAtStart = u.For(ModelRoles.Task).Calls + u.For(ModelRoles.Optimizer).Calls;
            }
        });

        var r = await new DualPhaseOptimizer().OptimizeAsync(new OptimizationRequest
        {
            Task = request.Task,
            TaskModel = request.TaskModel,
            OptimizerModel = request.OptimizerModel,
            Usage = request.Usage,
            Seed = request.Seed,
            TrainSize = request.TrainSize,
            TestSize = request.TestSize,
            Progress = log,
        });

        var started = Assert.IsType<RunStarted>(log.Events[0]);
        Assert.Equal(0, callsAtStart);
        Assert.NotNull(started.Warning);
        Assert.Contains("too small", started.Warning, StringComparison.Ordinal);

        // The estimate: phase 1 = 2·|V| task calls + 1 optimizer call; each of T steps up to 3 attempts × (1 + |V|).
        Assert.Equal((2 * 40) + (5 * 3 * 40), started.EstimatedTaskCalls);
        Assert.Equal(1 + (5 * 3), started.EstimatedOptimizerCalls);
        Assert.Equal(DualPhaseNames.StopBudget, r.StopReason);
        Assert.True(rig.TaskCalls <= 100);
    }

    [Fact]
    public async Task OptimizeAsync_AmpleBudgetFixedPlan_NoWarningAndWithinEstimate()
    {
        var rig = DualPhaseRig.Create("multistep_arithmetic", budget: new OptimizationBudget { MaxTaskCalls = 2000, MaxOptimizerCalls = 100 });

        var r = await new DualPhaseOptimizer(new DualPhaseOptions { ScaleToBudget = false }).OptimizeAsync(rig.Request);

        var started = rig.Log.Of<RunStarted>().Single();
        Assert.Null(started.Warning);
        Assert.NotEqual(DualPhaseNames.StopBudget, r.StopReason);
        Assert.True(rig.TaskCalls <= started.EstimatedTaskCalls, $"{rig.TaskCalls} > estimate {started.EstimatedTaskCalls}");
        Assert.True(rig.OptimizerCalls <= started.EstimatedOptimizerCalls + 3, "estimate + the odd retry of an unusable reply");
    }

    private sealed class CallbackLog(Action<OptimizationEvent> onEvent) : IProgress<OptimizationEvent>
    {
        public List<OptimizationEvent> Events { get; } = [];

        public void Report(OptimizationEvent value)
        {
            onEvent(value);
            lock (Events)
            {
                Events.Add(value);
            }
        }
    }
}
