using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Baselines.Ape;
using PromptOpt.Optimizers.Baselines.Opro;
using PromptOpt.Optimizers.Baselines.ProTeGi;

namespace PromptOpt.Tests.Optimizers.Baselines;

public sealed class BaselineRegistryTests
{
    [Fact]
    public void Names_IncludeTheThreeBaselinesWithDescriptions()
    {
        foreach (var name in new[] { "ape", "opro", "protegi" })
        {
            Assert.Contains(name, OptimizerRegistry.Names);
            Assert.False(string.IsNullOrWhiteSpace(OptimizerRegistry.Describe(name)));
            Assert.Equal(name, OptimizerRegistry.Create(name).Name);
        }
    }

    [Fact]
    public void Create_KebabCaseSettings_BindToOptions()
    {
        var ape = Assert.IsType<ApeOptimizer>(OptimizerRegistry.Create("ape", new Dictionary<string, string> { ["top-k"] = "2", ["candidates"] = "5" }));
        var opro = Assert.IsType<OproOptimizer>(OptimizerRegistry.Create("opro", new Dictionary<string, string> { ["steps"] = "3", ["min_history_score"] = "0.3" }));
        var protegi = Assert.IsType<ProTeGiOptimizer>(OptimizerRegistry.Create("protegi", new Dictionary<string, string>
        {
            ["selection"] = "successive-rejects", ["beam-size"] = "3", ["record-test-scores"] = "true", ["expansion"] = "analyze_and_generate",
        }));

        Assert.Equal((2, 5), (ape.Options.TopK, ape.Options.Candidates));
        Assert.Equal((3, 0.3), (opro.Options.Steps, opro.Options.MinHistoryScore));
        Assert.Equal(ProTeGiSelection.SuccessiveRejects, protegi.Options.Selection);
        Assert.Equal(ProTeGiExpansion.AnalyzeAndGenerate, protegi.Options.Expansion);
        Assert.Equal(3, protegi.Options.BeamSize);
        Assert.True(protegi.Options.RecordTestScores);
    }

    [Fact]
    public void Create_BadSettings_AllProblemsInOneMessage()
    {
        var ex = Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.Create("protegi", new Dictionary<string, string>
        {
            ["beam-size"] = "many", ["no-such-option"] = "1",
        }));

        Assert.Contains("beam-size", ex.Message);
        Assert.Contains("no-such-option", ex.Message);
    }

    [Fact]
    public async Task Create_ThroughTheRegistry_RunsEndToEnd()
    {
        var task = BaselineRig.Task("boolean_expressions");
        var optimizer = OptimizerRegistry.Create("protegi", new Dictionary<string, string> { ["rounds"] = "1", ["beam-size"] = "2", ["selection"] = "ucb" });

        var result = await optimizer.OptimizeAsync(BaselineRig.Request(task));

        Assert.Equal("protegi", result.Method);
        Assert.True(result.BestTrainScore >= result.StartTrainScore);
        Assert.True(result.Candidates.Count > 1);
    }
}
