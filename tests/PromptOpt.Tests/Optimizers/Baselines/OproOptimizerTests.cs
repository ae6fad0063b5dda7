using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Baselines.Opro;

namespace PromptOpt.Tests.Optimizers.Baselines;

public sealed class OproOptimizerTests
{
    [Theory]
    [InlineData("navigate")]
    public async Task OptimizeAsync_OneLinePrompt_ImprovesTestScore(string taskName)
    {
        var task = BaselineRig.Task(taskName);

        var result = await new OproOptimizer(new OproOptions { Steps = 5 }).OptimizeAsync(BaselineRig.Request(task));

        Assert.Equal("completed", result.StopReason);
        BaselineAssert.ImprovesOnTest(task, result);
    }

    /// <summary>
    /// On simulator v2, five OPRO steps on boolean_expressions improve the training score but not the test score
    /// (measured 0.813 -> 0.787): what holds is the selection on train. Reported, not tuned.
    /// </summary>
    [Fact]
    public async Task OptimizeAsync_BooleanExpressions_ImprovesTrainOnly()
    {
        var task = BaselineRig.Task("boolean_expressions");

        var result = await new OproOptimizer(new OproOptions { Steps = 5 }).OptimizeAsync(BaselineRig.Request(task));

        Assert.Equal("completed", result.StopReason);
        Assert.True(result.BestTrainScore > result.StartTrainScore, $"train {result.StartTrainScore} -> {result.BestTrainScore}");
    }

    [Fact]
    public async Task OptimizeAsync_FewSteps_OneCallPerStepDedupedHistoryInDetails()
    {
        var task = BaselineRig.Task("object_counting");

        var result = await new OproOptimizer(new OproOptions { Steps = 4 }).OptimizeAsync(BaselineRig.Request(task));

        Assert.Equal(4, result.Usage.For(ModelRoles.Optimizer).Calls);
        Assert.Equal(result.Candidates.Count, result.Candidates.Select(c => c.Prompt.Instruction).Distinct().Count());
        var history = (JsonArray)result.Details["history"]!;
        Assert.Equal(result.Candidates.Count, history.Count);
        Assert.Equal(result.Candidates.Select(c => c.Id), history.Select(h => (int)h!["candidate"]!));
        var steps = (JsonArray)result.Details["steps"]!;
        Assert.Equal(4, steps.Count);
        Assert.All(steps, s => Assert.Equal((int)s!["proposed"]!, (int)s!["evaluated"]! + (int)s!["duplicates"]!));

        // Each proposal's parent is the incumbent at its step (the top of the meta-prompt).
        Assert.All(result.Candidates.Skip(1), c =>
        {
            var parent = result.Candidates[c.ParentId!.Value];
            Assert.True(parent.Step < c.Step);
            Assert.Equal(result.Candidates.Where(p => p.Step < c.Step).Max(p => p.TrainScore), parent.TrainScore);
        });

        // Task calls: |V| per distinct evaluated instruction, never more.
        Assert.Equal(BaselineRig.TrainSize * result.Candidates.Count, result.Usage.For(ModelRoles.Task).Calls);
    }

    [Theory]
    [InlineData(null, null, null, 10)]
    [InlineData(null, 4040L, null, 13)] // ⌈(4040 / 40 − 1) / 8⌉: the last step partial
    [InlineData(null, 100_000_000L, null, 200)] // at most the repository's 200 steps
    [InlineData(null, 100L, null, 1)] // at least one
    [InlineData(null, null, 4L, 4)] // one optimizer call per step
    [InlineData(7, 100L, null, 7)] // an explicit value is kept
    public void ResolveSteps_Budget_ScalesTheRepositoryDefault(int? steps, long? maxTaskCalls, long? maxOptimizerCalls, int expected)
    {
        var budget = new OptimizationBudget { MaxTaskCalls = maxTaskCalls, MaxOptimizerCalls = maxOptimizerCalls };

        Assert.Equal(expected, OproOptimizer.ResolveSteps(new OproOptions { Steps = steps }, budget, 40));
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedValues()
    {
        var o = new OproOptions();

        Assert.Null(o.Steps);
        Assert.Equal(10, OproOptions.DefaultSteps);
        Assert.Equal(200, OproOptions.PaperSteps);
        Assert.Equal(8, o.ProposalsPerStep);
        Assert.Equal(20, o.MaxHistory);
        Assert.Equal(3, o.Exemplars);
        Assert.Equal(0, o.MinHistoryScore);
        Assert.Equal(1.0f, o.Temperature);
    }

    [Fact]
    public void Constructor_SeveralInvalidOptions_ReportsAllInOneMessage()
    {
        var o = new OproOptions { Steps = 0, ProposalsPerStep = 0, MaxHistory = 0, MinHistoryScore = 2 };

        var ex = Assert.ThrowsAny<PromptOptInputException>(() => new OproOptimizer(o));

        Assert.Contains("'steps'", ex.Message);
        Assert.Contains("'proposals-per-step'", ex.Message);
        Assert.Contains("'max-history'", ex.Message);
        Assert.Contains("'min-history-score'", ex.Message);
    }
}
