using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Baselines.Ape;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Optimizers.Baselines;

public sealed class ApeOptimizerTests
{
    [Theory]
    [InlineData("navigate")]
    [InlineData("word_sorting")]
    public async Task OptimizeAsync_OneLinePrompt_ImprovesTestScore(string taskName)
    {
        var task = BaselineRig.Task(taskName);

        var result = await new ApeOptimizer().OptimizeAsync(BaselineRig.Request(task));

        Assert.Equal("completed", result.StopReason);
        BaselineAssert.ImprovesOnTest(task, result);
    }

    [Fact]
    public async Task OptimizeAsync_Defaults_InducesThenResamplesTopK()
    {
        var task = BaselineRig.Task("navigate");
        var log = new EventLog();
        var request = BaselineRig.Request(task, progress: log);
        log.Meter = request.Usage;

        var result = await new ApeOptimizer().OptimizeAsync(request);

        // 8 inductions + 1 round × top-3 × 2 paraphrases, one optimizer call each (no drops in the default simulator).
        Assert.Equal(8 + 6, result.Usage.For(ModelRoles.Optimizer).Calls);
        Assert.Equal("initial", result.Candidates[0].Operation);
        var induced = result.Candidates.Where(c => c.Operation == "induce").ToList();
        var paraphrased = result.Candidates.Where(c => c.Operation == "paraphrase").ToList();
        Assert.InRange(induced.Count, 1, 8);
        Assert.All(induced, c => Assert.Null(c.ParentId));
        Assert.All(induced, c => Assert.Equal(1, c.Step));
        Assert.NotEmpty(paraphrased);
        var topAfterInduction = ((System.Text.Json.Nodes.JsonArray)result.Details["rounds"]![0]!["kept"]!).Select(n => (int)n!).ToHashSet();
        Assert.All(paraphrased, c => Assert.Contains(c.ParentId!.Value, topAfterInduction));
        Assert.Equal(result.Candidates.Count, result.Candidates.Select(c => c.Prompt).Distinct().Count());
        Assert.Equal([1, 2], log.Of<StepCompleted>().Select(s => s.Step));
        Assert.Equal(result.Candidates.Max(c => c.TrainScore), result.BestTrainScore);
    }

    [Theory]
    [InlineData(null, null, null, 8)]
    [InlineData(null, 1000L, null, 8)] // 1000 / 40 − 1 − 6 = 18 ≥ 8
    [InlineData(null, 480L, null, 5)] // 12 − 1 − 6
    [InlineData(null, 100L, null, 1)] // never fewer than one
    [InlineData(null, null, 9L, 3)] // 9 optimizer calls − 6 for the resampling
    [InlineData(12, 100L, null, 12)] // an explicit value is kept
    public void ResolveCandidates_Budget_ScalesTheDefaultDown(int? candidates, long? maxTaskCalls, long? maxOptimizerCalls, int expected)
    {
        var budget = new OptimizationBudget { MaxTaskCalls = maxTaskCalls, MaxOptimizerCalls = maxOptimizerCalls };

        Assert.Equal(expected, ApeOptimizer.ResolveCandidates(new ApeOptions { Candidates = candidates }, budget, 40));
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedValues()
    {
        var o = new ApeOptions();

        Assert.Null(o.Candidates);
        Assert.Equal(8, ApeOptions.DefaultCandidates);
        Assert.Equal(5, o.DemosPerCandidate);
        Assert.Equal(3, o.TopK);
        Assert.Equal(1, o.ResampleRounds);
        Assert.Equal(2, o.ParaphrasesPerCandidate);
        Assert.True(o.KeepStartPrompt);
        Assert.Equal(1.0f, o.Temperature);
    }

    [Fact]
    public void Constructor_SeveralInvalidOptions_ReportsAllInOneMessage()
    {
        var o = new ApeOptions { Candidates = 0, TopK = 0, ParaphrasesPerCandidate = 50, Temperature = 3 };

        var ex = Assert.ThrowsAny<PromptOptInputException>(() => new ApeOptimizer(o));

        Assert.Contains("'candidates'", ex.Message);
        Assert.Contains("'top-k'", ex.Message);
        Assert.Contains("'paraphrases-per-candidate'", ex.Message);
        Assert.Contains("'temperature'", ex.Message);
    }
}
