using PromptOpt.Optimizers;
using PromptOpt.Optimizers.DualPhase;

namespace PromptOpt.Tests.Optimizers.DualPhase;

public class DualPhaseOptionsTests
{
    [Fact]
    public void Defaults_MatchAlgorithmsSection5()
    {
        var o = new DualPhaseOptions();

        Assert.Equal(5, o.DemoCount);
        Assert.Equal(SentenceSampling.Exp3, o.Sampling);
        Assert.Equal(0.1, o.Gamma);
        Assert.Equal(3, o.MaxAttempts);
        Assert.Equal(0.3, o.FailureThreshold);
        Assert.Equal(0.01, o.MinImprovement);
        Assert.Equal(0.4, o.Alpha);
        Assert.Equal(0.055, o.LearningRate);
        Assert.Equal(5, o.MaxSteps);
        Assert.True(o.InitialPrompt);
        Assert.True(o.SentenceLevel);
        Assert.True(o.FailureCheck);
        OptionsValidation.Validate(o); // the defaults are valid
    }

    [Fact]
    public void Constructor_SeveralInvalidValues_ReportsAllInOneMessage()
    {
        var o = new DualPhaseOptions { DemoCount = 0, Gamma = 1.5, MinImprovement = -0.1, Alpha = double.NaN, MaxSteps = -1, MaxAttempts = 0 };

        var ex = Assert.ThrowsAny<PromptOptInputException>(() => new DualPhaseOptimizer(o));

        foreach (var name in new[] { "'demo-count'", "'gamma'", "'min-improvement'", "'alpha'", "'max-steps'", "'max-attempts'" })
        {
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void FromSettings_KebabKeys_BindAndValidate()
    {
        var o = DualPhaseOptions.FromSettings(new Dictionary<string, string>
        {
            ["min-improvement"] = "0.1",
            ["sampling"] = "softmax",
            ["initial_prompt"] = "off",
            ["MaxSteps"] = "4",
        });

        Assert.Equal(0.1, o.MinImprovement);
        Assert.Equal(SentenceSampling.Softmax, o.Sampling);
        Assert.False(o.InitialPrompt);
        Assert.Equal(4, o.MaxSteps);
    }

    [Fact]
    public void FromSettings_UnknownKeyAndBadValue_ReportsBothInOneMessage()
    {
        var ex = Assert.ThrowsAny<PromptOptInputException>(() => DualPhaseOptions.FromSettings(new Dictionary<string, string>
        {
            ["h_vee"] = "0.1",
            ["alpha"] = "lots",
        }));

        Assert.Contains("h_vee", ex.Message, StringComparison.Ordinal);
        Assert.Contains("alpha", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_DualPhase_CreatesConfiguredOptimizer()
    {
        Assert.Contains("dual-phase", OptimizerRegistry.Names);
        Assert.False(string.IsNullOrWhiteSpace(OptimizerRegistry.Describe("dual-phase")));

        var optimizer = OptimizerRegistry.Create("dual-phase", new Dictionary<string, string> { ["max-attempts"] = "7" });

        var dp = Assert.IsType<DualPhaseOptimizer>(optimizer);
        Assert.Equal("dual-phase", dp.Name);
        Assert.Equal(7, dp.Options.MaxAttempts);
    }

    [Fact]
    public void Options_AreCopied_LaterChangesDoNotBypassValidation()
    {
        var o = new DualPhaseOptions();
        var dp = new DualPhaseOptimizer(o);

        o.Gamma = 5;

        Assert.Equal(0.1, dp.Options.Gamma);
    }
}
