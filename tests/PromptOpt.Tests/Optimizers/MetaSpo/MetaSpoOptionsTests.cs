using PromptOpt.Optimizers;
using PromptOpt.Optimizers.MetaSpo;

namespace PromptOpt.Tests.Optimizers.MetaSpo;

public class MetaSpoOptionsTests
{
    [Fact]
    public void Defaults_MatchAlgorithmsSection34()
    {
        var o = new MetaSpoOptions();
        Assert.Equal(3, o.Iterations);
        Assert.Equal(MetaSpoVariant.Full, o.Variant);
        Assert.Equal(9, o.SystemCandidates);
        Assert.Equal(3, o.UserCandidates);
        Assert.Equal(3, o.BeamSize);
        Assert.Equal(3, o.UserFailures);
        Assert.Equal(2, o.SystemFailuresPerTask);
        Assert.Equal("You are a helpful assistant.", o.InitialSystemPrompt);
        Assert.Equal(10, o.ApeUserDemos);
        Assert.Equal(5, o.ApeSystemDemosPerTask);
        Assert.Equal(10, o.UnseenUserPrompts);
        Assert.Equal(10, o.UnseenDemos);
        Assert.Equal("Let's think step by step.", o.CotSystemPrompt);
        Assert.Equal(6, o.TtaIterations);
        Assert.Equal(3, o.TtaBeamSize);
        Assert.Equal(3, o.TtaCandidates);
        Assert.Equal(4, o.TtaErrors);
        Assert.Equal(PromptOpt.Optimizers.Baselines.ProTeGi.ProTeGiExpansion.TextualGradient, o.TtaExpansion);
        Assert.True(o.Unseen);
        Assert.False(o.TestTimeAdaptation);
        Assert.Equal(3, o.Steps);
        Assert.Equal(6, new MetaSpoOptions { Variant = MetaSpoVariant.OuterOnly }.Steps);
    }

    [Fact]
    public void TestTimeAdaptation_ProTeGiOptions_FollowMetaSpoSchedule()
    {
        // ALGORITHMS.md 3.4: 3 candidates from the start prompt, keep 3, then 6 iterations × 3 candidates per beam member.
        var p = TestTimeAdaptation.ProTeGiOptionsFor(new MetaSpoOptions());
        Assert.Equal((3, 6, 3, 3, 3, 0), (p.InitialCandidates, p.Rounds, p.BeamSize, p.MaxExpansionsPerParent, p.Gradients, p.Paraphrases));
        Assert.Equal(PromptOpt.Optimizers.Baselines.ProTeGi.ProTeGiSelection.BruteForce, p.Selection);
        Assert.True(p.RecordTestScores);
        OptionsValidation.Validate(p);
    }

    [Fact]
    public void Constructor_SeveralInvalidValues_OneMessageListsAll()
    {
        var ex = Assert.ThrowsAny<PromptOptInputException>(() => new MetaSpoOptimizer(new MetaSpoOptions { Iterations = 0, BeamSize = 0, InitialSystemPrompt = "" }));
        Assert.Contains("'iterations'", ex.Message);
        Assert.Contains("'beam-size'", ex.Message);
        Assert.Contains("'initial-system-prompt'", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Registry_Settings_BindToOptions()
    {
        var optimizer = Assert.IsType<MetaSpoOptimizer>(OptimizerRegistry.Create("metaspo", new Dictionary<string, string>
        {
            ["iterations"] = "2",
            ["variant"] = "outer-only",
            ["system_candidates"] = "5",
            ["test-time-adaptation"] = "true",
        }));
        Assert.Equal(2, optimizer.Options.Iterations);
        Assert.Equal(MetaSpoVariant.OuterOnly, optimizer.Options.Variant);
        Assert.Equal(5, optimizer.Options.SystemCandidates);
        Assert.True(optimizer.Options.TestTimeAdaptation);
        Assert.Contains("metaspo", OptimizerRegistry.Names);
        Assert.NotEmpty(OptimizerRegistry.Describe("metaspo"));
    }

    [Fact]
    public void Registry_BadSettings_AllErrorsInOneMessage()
    {
        var ex = Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.Create("metaspo", new Dictionary<string, string>
        {
            ["iteratons"] = "2",
            ["variant"] = "sideways",
            ["beam-size"] = "x",
        }));
        Assert.Contains("iteratons", ex.Message);
        Assert.Contains("variant", ex.Message);
        Assert.Contains("beam-size", ex.Message);
    }
}
