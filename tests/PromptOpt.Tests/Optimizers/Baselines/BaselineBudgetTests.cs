using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Baselines.Ape;
using PromptOpt.Optimizers.Baselines.Opro;
using PromptOpt.Optimizers.Baselines.ProTeGi;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Optimizers.Baselines;

public sealed class BaselineBudgetTests
{
    public static TheoryData<string> Methods => ["ape", "opro", "protegi", "protegi-ucb", "protegi-sr"];

    [Fact]
    public async Task OptimizeAsync_OproWithoutSteps_PlansTheStepsTheBudgetAllows()
    {
        var request = BaselineRig.Request(BaselineRig.Task("navigate"), new OptimizationBudget { MaxTaskCalls = 40 * 25 });

        var result = await new OproOptimizer().OptimizeAsync(request);

        Assert.Equal(3, (int)result.Details["planned_steps"]!); // ⌈(25 − 1) / 8⌉
        // Budgets are spent, not capped: the run goes on past the plan while the budget pays for another proposal on V.
        Assert.InRange(result.Usage.For(ModelRoles.Task).Calls, 4 * 25, 40 * 25);
        // Steps that propose only instructions already scored cost no task call: a budget-scaled run stops after
        // StallSteps (5) of them in a row instead of paying up to 200 optimizer calls for repeats.
        var steps = ((System.Text.Json.Nodes.JsonArray)result.Details["steps"]!).Select(s => (int)s!["evaluated"]!).ToList();
        Assert.InRange(steps.Count, 4, OproOptions.PaperSteps - 1); // past the 3 planned, short of 200
        if (result.Usage.For(ModelRoles.Task).Calls < 0.8 * 40 * 25)
        {
            // It stopped for the stall, not the budget: its last five steps scored nothing new, and it says so.
            Assert.All(steps.TakeLast(new OproOptions().StallSteps), e => Assert.Equal(0, e));
            Assert.Contains("already scored", result.SpendWarning, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(result.SpendWarning);
        }
    }

    [Fact]
    public async Task OptimizeAsync_OproStallStepsZero_KeepsSteppingOnRepeats()
    {
        var request = BaselineRig.Request(BaselineRig.Task("navigate"), new OptimizationBudget { MaxTaskCalls = 40 * 25 });

        var stalling = await new OproOptimizer().OptimizeAsync(request);
        var endless = await new OproOptimizer(new OproOptions { StallSteps = 0 }).OptimizeAsync(
            BaselineRig.Request(BaselineRig.Task("navigate"), new OptimizationBudget { MaxTaskCalls = 40 * 25 }));

        // Without the stall rule the repeats go on (each an optimizer call, no task call) while the task budget lasts.
        Assert.True(
            endless.Usage.For(ModelRoles.Optimizer).Calls > stalling.Usage.For(ModelRoles.Optimizer).Calls,
            $"stall-steps 0: {endless.Usage.For(ModelRoles.Optimizer).Calls} optimizer calls, default: {stalling.Usage.For(ModelRoles.Optimizer).Calls}");
    }

    private static IPromptOptimizer Create(string method) => method switch
    {
        "ape" => new ApeOptimizer(),
        "opro" => new OproOptimizer(new OproOptions { Steps = 5 }), // explicit plans: the budget, not the planner, must stop them
        "protegi" => new ProTeGiOptimizer(new ProTeGiOptions { Rounds = 2, BeamSize = 2, ScaleToBudget = false }),
        "protegi-ucb" => new ProTeGiOptimizer(new ProTeGiOptions { Rounds = 2, BeamSize = 2, Selection = ProTeGiSelection.Ucb, ScaleToBudget = false }),
        "protegi-sr" => new ProTeGiOptimizer(new ProTeGiOptions { Rounds = 2, BeamSize = 2, Selection = ProTeGiSelection.SuccessiveRejects, ScaleToBudget = false }),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task OptimizeAsync_TaskCallBudget_NeverExceededAndStopsCleanly(string method)
    {
        const long budget = 250;
        var task = BaselineRig.Task("navigate");
        var request = BaselineRig.Request(task, new OptimizationBudget { MaxTaskCalls = budget });

        var result = await Create(method).OptimizeAsync(request);

        // The meter reserves before each call, so not even the calls in flight may pass the limit.
        Assert.InRange(result.Usage.For(ModelRoles.Task).Calls, BaselineRig.TrainSize, budget + request.Usage.InFlight);

        // APE scales its default plan down to the budget (one induced candidate here) and completes; the others run out.
        Assert.Equal(method == "ape" ? "completed" : "budget", result.StopReason);
        Assert.True(result.BestTrainScore >= result.StartTrainScore);
        Assert.NotNull(result.BestTestScore); // the final test scoring is not charged to the budget
        Assert.Contains(result.Candidates, c => c.Prompt == result.BestPrompt);
        Assert.All(result.Candidates.Where(c => c.TrainScore is null), c => Assert.Contains("budget", c.Note));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task OptimizeAsync_OptimizerCallBudget_NeverExceeded(string method)
    {
        const long budget = 3;
        var request = BaselineRig.Request(BaselineRig.Task("object_counting"), new OptimizationBudget { MaxOptimizerCalls = budget });

        var result = await Create(method).OptimizeAsync(request);

        Assert.InRange(result.Usage.For(ModelRoles.Optimizer).Calls, 1, budget);
        Assert.Equal("budget", result.StopReason);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task OptimizeAsync_BudgetTooSmallForOneStep_WarnsBeforeAnyCall(string method)
    {
        var log = new EventLog();
        var request = BaselineRig.Request(BaselineRig.Task("navigate"), new OptimizationBudget { MaxTaskCalls = 60 }, progress: log);
        log.Meter = request.Usage;

        var result = await Create(method).OptimizeAsync(request);

        var (first, taskCalls, optimizerCalls) = log.Entries[0];
        var started = Assert.IsType<RunStarted>(first);
        Assert.Equal(0, taskCalls + optimizerCalls);
        Assert.NotNull(started.Warning);
        Assert.Contains("too small", started.Warning);
        Assert.True(started.EstimatedTaskCalls <= 60, "the estimate is capped by the budget");
        Assert.Equal("budget", result.StopReason);
        Assert.Single(log.Of<RunStarted>());
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task OptimizeAsync_Unlimited_EstimateIsAnUpperBoundAndNoWarning(string method)
    {
        var log = new EventLog();
        var request = BaselineRig.Request(BaselineRig.Task("word_sorting"), progress: log);

        var result = await Create(method).OptimizeAsync(request);

        var started = Assert.Single(log.Of<RunStarted>());
        Assert.Null(started.Warning);
        Assert.InRange(result.Usage.For(ModelRoles.Task).Calls, 1, started.EstimatedTaskCalls);
        Assert.InRange(result.Usage.For(ModelRoles.Optimizer).Calls, 1, started.EstimatedOptimizerCalls);
        Assert.Equal("completed", result.StopReason);
        Assert.IsType<RunCompleted>(log.Entries[^1].Event);
    }
}
