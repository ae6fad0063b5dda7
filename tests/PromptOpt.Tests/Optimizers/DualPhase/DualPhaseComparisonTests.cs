using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.DualPhase;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Optimizers.DualPhase;

/// <summary>
/// Dual-Phase reaches the best baseline's final score in at most 5 steps, at equal budgets: each baseline (APE, OPRO,
/// ProTeGi with its default selection) gets exactly the task and optimizer calls Dual-Phase used.
/// </summary>
public class DualPhaseComparisonTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("boolean_expressions")]
    [InlineData("date_arithmetic")]
    public async Task OptimizeAsync_EqualBudget_ReachesBestBaselineWithinFiveSteps(string task)
    {
        var dpRig = DualPhaseRig.Create(task);
        var dp = await new DualPhaseOptimizer(new DualPhaseOptions { MaxSteps = 5 }).OptimizeAsync(dpRig.Request);
        var budget = new OptimizationBudget { MaxTaskCalls = dpRig.TaskCalls, MaxOptimizerCalls = dpRig.OptimizerCalls };

        OptimizationResult? best = null;
        foreach (var method in new[] { "ape", "opro", "protegi" })
        {
            var rig = DualPhaseRig.Create(task, budget: budget);
            var result = await OptimizerRegistry.Create(method).OptimizeAsync(rig.Request);
            output.WriteLine($"{task}: {method} train {result.BestTrainScore:F3} test {result.BestTestScore:F3} ({rig.TaskCalls} task calls, {result.StopReason})");
            Assert.True(rig.TaskCalls <= budget.MaxTaskCalls + 16, $"{method} stayed within the budget plus in-flight calls");
            if (best is null || result.BestTrainScore > best.BestTrainScore)
            {
                best = result;
            }
        }

        output.WriteLine($"{task}: budget {budget}; dual-phase train {dp.BestTrainScore:F3} test {dp.BestTestScore:F3}; best baseline {best!.Method}");

        // The step at which Dual-Phase's incumbent first reached the best baseline's final training score (0 = after phase 1).
        var trail = new List<double> { dp.Candidates.Where(c => c.Step == 0).Max(c => c.TrainScore ?? 0) };
        trail.AddRange(dpRig.Log.Of<StepCompleted>().Select(s => s.BestTrainScore));
        int reached = trail.FindIndex(s => s >= best.BestTrainScore);
        Assert.InRange(reached, 0, 5);

        // ... and the final prompt is as good on the held-out test split, within sampling error of the test set.
        double se = Math.Sqrt(0.25 / dpRig.Request.TestSize!.Value);
        Assert.True(dp.BestTestScore >= best.BestTestScore - (2 * se), $"test: dual-phase {dp.BestTestScore:F3} vs {best.Method} {best.BestTestScore:F3}");
    }
}
