using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Baselines.Ape;
using PromptOpt.Optimizers.Baselines.Opro;
using PromptOpt.Optimizers.Baselines.ProTeGi;
using PromptOpt.Optimizers.DualPhase;
using PromptOpt.Tests.TestDoubles;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Optimizers.Baselines;

/// <summary>
/// Issue 13, "budgets are spent, not capped": at the bench's two budgets (600 task + 20 optimizer calls and 3,000 + 60,
/// |V| = 50) every method's default plan scales to the budget and the run reports the share it spent; a plan that ends
/// below 80 % says so, and why.
/// </summary>
public sealed class BudgetSpendTests(ITestOutputHelper output)
{
    private const int V = 50;

    public static TheoryData<string, long, long> Budgets => new()
    {
        { "opro", 600, 20 },
        { "protegi", 600, 20 },
        { "protegi", 3000, 60 },
    };

    [Theory]
    [MemberData(nameof(Budgets))]
    public async Task OptimizeAsync_DefaultPlan_SpendsAtLeast80PercentOfABudget(string method, long taskCalls, long optimizerCalls)
    {
        var task = BaselineRig.Task("multistep_arithmetic");
        var request = BaselineRig.Request(task, new OptimizationBudget { MaxTaskCalls = taskCalls, MaxOptimizerCalls = optimizerCalls }, trainSize: V);

        var result = await OptimizerRegistry.Create(method).OptimizeAsync(request);

        output.WriteLine($"{method} at {taskCalls}+{optimizerCalls}: {result.Spend} ({result.StopReason}); plan {result.Details["budget"]?["plan"]}");
        Assert.NotNull(result.Spend.Share);
        Assert.True(result.Spend.Share >= BudgetPlanning.SpendWarningShare, $"{method} spent only {result.Spend}");
        Assert.Null(result.SpendWarning);
        Assert.InRange(result.Usage.For(ModelRoles.Task).Calls, 0, taskCalls + request.Usage.InFlight);
        Assert.InRange(result.Usage.For(ModelRoles.Optimizer).Calls, 0, optimizerCalls);
    }

    [Theory]
    [InlineData("ape", 600, 20)]
    [InlineData("ape", 3000, 60)]
    [InlineData("opro", 3000, 60)] // on v2 its proposals repeat after ~20 steps: stall-steps ends it, with a warning that says so
    [InlineData("dual-phase", 600, 20)]
    [InlineData("dual-phase", 3000, 60)]
    public async Task OptimizeAsync_OtherMethods_SpendAtLeast80PercentOrWarnWhy(string method, long taskCalls, long optimizerCalls)
    {
        var task = BaselineRig.Task("multistep_arithmetic");
        var request = BaselineRig.Request(task, new OptimizationBudget { MaxTaskCalls = taskCalls, MaxOptimizerCalls = optimizerCalls }, trainSize: V);

        var result = await OptimizerRegistry.Create(method).OptimizeAsync(request);

        output.WriteLine($"{method} at {taskCalls}+{optimizerCalls}: {result.Spend} ({result.StopReason}); warning: {result.SpendWarning}");
        Assert.NotNull(result.Spend.Share);
        if (result.Spend.Share < BudgetPlanning.SpendWarningShare)
        {
            Assert.NotNull(result.SpendWarning);
            Assert.Contains(method, result.SpendWarning);
            Assert.Contains(":", result.SpendWarning); // "… spent x % of its budget (…): why"
        }
        else
        {
            Assert.Null(result.SpendWarning);
        }
    }

    [Fact]
    public async Task OptimizeAsync_FixedPlanUnderALargeBudget_WarnsWithThePlan()
    {
        var task = BaselineRig.Task("navigate");
        var log = new EventLog();
        var request = BaselineRig.Request(task, new OptimizationBudget { MaxTaskCalls = 3000, MaxOptimizerCalls = 60 }, progress: log, trainSize: V);

        var result = await new OproOptimizer(new OproOptions { Steps = 1 }).OptimizeAsync(request);

        Assert.True(result.Spend.Share < 0.8, result.Spend.ToString());
        Assert.NotNull(result.SpendWarning);
        Assert.Contains("1 steps of 8 proposals", result.SpendWarning);
        Assert.Contains(log.Of<RunNotice>(), n => n.Message.StartsWith("warning: opro spent", StringComparison.Ordinal));
        Assert.Equal(result.Spend.Share, (double?)result.Details["budget"]!["share"]);
    }

    [Fact]
    public async Task OptimizeAsync_Unlimited_ReportsNoShareAndNoWarning()
    {
        var task = BaselineRig.Task("navigate");

        var result = await new OproOptimizer(new OproOptions { Steps = 1 }).OptimizeAsync(BaselineRig.Request(task));

        Assert.Null(result.Spend.Share);
        Assert.Null(result.SpendWarning);
    }

    [Theory]
    [InlineData(600, 20, 2, 1, 1, 2, 3)]
    [InlineData(3000, 60, 3, 2, 1, 3, 3)]
    [InlineData(100_000, 1000, 4, 4, 2, 8, 14)] // the LMOps shape: 18 + 72·13 ≤ 1000 optimizer calls
    public void Plan_Budget_RichestShapeThatFitsThreeRounds(long taskCalls, long optimizerCalls, int beam, int gradients, int paraphrases, int expansions, int rounds)
    {
        var budget = new OptimizationBudget { MaxTaskCalls = taskCalls, MaxOptimizerCalls = optimizerCalls };

        var plan = ProTeGiPlanner.Plan(new ProTeGiOptions(), budget, V);

        Assert.Equal((beam, gradients, paraphrases, expansions, rounds), (plan.BeamSize, plan.Gradients, plan.Paraphrases, plan.MaxExpansionsPerParent, plan.Rounds));
        var e = ProTeGiOptimizer.Estimate(plan, V);
        Assert.True(e.Task <= taskCalls && e.Optimizer <= optimizerCalls, $"estimate {e} exceeds the budget");
    }

    [Fact]
    public void FromSettings_ExplicitPlanOption_TurnsScalingOffUnlessAskedFor()
    {
        Assert.True(ProTeGiOptimizer.FromSettings(null).Options.ScaleToBudget);
        Assert.False(ProTeGiOptimizer.FromSettings(new Dictionary<string, string> { ["rounds"] = "2" }).Options.ScaleToBudget);
        Assert.True(ProTeGiOptimizer.FromSettings(new Dictionary<string, string> { ["rounds"] = "2", ["scale-to-budget"] = "true" }).Options.ScaleToBudget);
        Assert.False(DualPhaseOptions.FromSettings(new Dictionary<string, string> { ["max-steps"] = "2" }).ScaleToBudget);
        Assert.True(DualPhaseOptions.FromSettings(new Dictionary<string, string> { ["alpha"] = "0.5" }).ScaleToBudget);
        Assert.True(new ApeOptions().ScaleToBudget && new OproOptions().ScaleToBudget);
    }
}
