using PromptOpt.Decision;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;

namespace PromptOpt.Tests.Optimizers.Expo;

public class ExpoRegistryTests
{
    [Theory]
    [InlineData("expo", ExpoStrategy.Expo)]
    [InlineData("expo-es", ExpoStrategy.ExpoEs)]
    [InlineData("expo-fixed", ExpoStrategy.Fixed)]
    [InlineData("expo-uniform", ExpoStrategy.Uniform)]
    [InlineData("expo-exp3", ExpoStrategy.Exp3)]
    [InlineData("EXPO-EGREEDY", ExpoStrategy.EpsilonGreedy)]
    public void CreateDecision_EachName_BuildsThatStrategy(string name, ExpoStrategy strategy)
    {
        var optimizer = Assert.IsType<ExpoOptimizer>(OptimizerRegistry.CreateDecision(name));
        Assert.Equal(strategy, optimizer.Options.Strategy);
        Assert.Equal(name.ToLowerInvariant(), optimizer.Name);
        Assert.True(OptimizerRegistry.IsDecisionMethod(name));
        Assert.NotEmpty(OptimizerRegistry.Describe(name));
    }

    [Fact]
    public void DecisionNames_AreTheSixExpoMethodsAndNotPromptMethods()
    {
        Assert.Equal(ExpoNames.All.Order(StringComparer.Ordinal), OptimizerRegistry.DecisionNames);
        Assert.DoesNotContain("expo", OptimizerRegistry.Names);
        Assert.False(OptimizerRegistry.IsDecisionMethod("dual-phase"));
        Assert.False(OptimizerRegistry.IsDecisionMethod(null));
    }

    [Fact]
    public void Create_DecisionMethodAsPromptMethod_InputErrorPointsToCreateDecision()
    {
        var ex = Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.Create("expo"));
        Assert.Contains("CreateDecision", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.CreateDecision("dual-phase"));
        Assert.Contains("not an agent in an environment", ex2.Message, StringComparison.Ordinal);
        Assert.Contains("expo-uniform", Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.CreateDecision("nope")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSettings_PrefixedKeys_BindTheNestedOptions()
    {
        var o = ExpoOptions.FromSettings(ExpoStrategy.ExpoEs, new Dictionary<string, string>
        {
            ["eta"] = "0.3",
            ["description_count"] = "3",
            ["labels"] = "importance-weighted",
            ["joint-arms"] = "false",
            ["compare-with-original"] = "yes",
            ["network-hidden-units"] = "32",
            ["network-epochs"] = "20",
            ["exemplar-network-epochs"] = "5",
            ["agent-temperature"] = "0.5",
        });
        Assert.Equal(ExpoStrategy.ExpoEs, o.Strategy);
        Assert.Equal((0.3, 3, ExpoLabelMode.ImportanceWeighted, false, true), (o.Eta, o.DescriptionCount, o.Labels, o.JointArms, o.CompareWithOriginal));
        Assert.Equal((32, 20), (o.Network.HiddenUnits, o.Network.Epochs));
        Assert.Equal((32, 5), (o.ExemplarNetwork.HiddenUnits, o.ExemplarNetwork.Epochs));
        Assert.Equal(0.5f, o.Agent.Temperature);
        Assert.Equal(new ExpoOptions() with { Strategy = ExpoStrategy.Uniform }, ExpoOptions.FromSettings(ExpoStrategy.Uniform, null));
    }

    [Fact]
    public void FromSettings_BadInput_OneInputErrorPerProblemKind()
    {
        Assert.Contains("method name", Assert.ThrowsAny<PromptOptInputException>(() => ExpoOptions.FromSettings(ExpoStrategy.Expo, new Dictionary<string, string> { ["strategy"] = "uniform" })).Message, StringComparison.Ordinal);
        Assert.Contains("unknown option 'wobble'", Assert.ThrowsAny<PromptOptInputException>(() => ExpoOptions.FromSettings(ExpoStrategy.Expo, new Dictionary<string, string> { ["wobble"] = "1" })).Message, StringComparison.Ordinal);
        var range = Assert.ThrowsAny<PromptOptInputException>(() => ExpoOptions.FromSettings(ExpoStrategy.Expo, new Dictionary<string, string> { ["gamma"] = "2", ["epsilon"] = "-1", ["network-hidden-units"] = "0" })).Message;
        Assert.Contains("option 'gamma'", range, StringComparison.Ordinal);
        Assert.Contains("option 'epsilon'", range, StringComparison.Ordinal);
        Assert.Contains("'network-hidden-units' ≥ 1", range, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDecision_RunsThroughTheContract()
    {
        var rig = ExpoRig.Create("bandit-easy", seed: 2, steps: 4);
        IDecisionOptimizer optimizer = OptimizerRegistry.CreateDecision("expo-exp3", new Dictionary<string, string> { ["network-hidden-units"] = "8" });
        var r = await optimizer.OptimizeAsync(rig.Request);
        Assert.Equal("expo-exp3", r.Method);
        Assert.Equal(4, r.Trajectory.Count);
        Assert.True(EnvironmentCatalog.Contains("bandit-easy"));
    }
}
