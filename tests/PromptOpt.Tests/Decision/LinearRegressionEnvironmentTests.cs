using PromptOpt.Decision;

namespace PromptOpt.Tests.Decision;

public class LinearRegressionEnvironmentTests
{
    private static LinearRegressionEnvironment Opro(int seed = 0) =>
        new("linreg", seed, new LinearRegressionOptions { TrueSlope = 15, TrueIntercept = 14 });

    [Fact]
    public void Loss_AnyPair_IsSumOfSquaredResiduals()
    {
        var env = Opro();
        double expected = env.Data.Sum(p => Math.Pow(p.Y - ((12 * p.X) + 17), 2));
        Assert.Equal(expected, env.Loss(12, 17), 6);
        Assert.Equal(50, env.Data.Count);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (double)i), env.Data.Select(p => p.X));
    }

    [Fact]
    public void Ctor_OproParameters_OptimumNearTrueParametersWithNoiseLevelLoss()
    {
        var env = Opro(4);
        Assert.InRange(env.OptimalSlope, 14.9, 15.1);
        Assert.InRange(env.OptimalIntercept, 12, 16);
        Assert.InRange(env.OptimalLoss, 20, 90); // ≈ 48·σ²
        Assert.True(env.Loss(15, 14) >= env.OptimalLoss);
        Assert.True(env.Loss(env.OptimalSlope + 0.01, env.OptimalIntercept) > env.OptimalLoss);
    }

    [Fact]
    public void Ctor_DrawnParameters_AreIntegersInStartRangeAndDependOnSeed()
    {
        var draws = Enumerable.Range(0, 8).Select(s => new LinearRegressionEnvironment("linreg", s)).Select(e => (e.TrueSlope, e.TrueIntercept)).ToArray();
        Assert.All(draws, d => Assert.InRange(d.TrueSlope, 10, 20));
        Assert.All(draws, d => Assert.Equal(Math.Round(d.TrueSlope), d.TrueSlope));
        Assert.True(draws.Distinct().Count() > 1);
    }

    [Fact]
    public void Ctor_StartingPoints_FiveDistinctPairsInRangeAndReferenceIsBest()
    {
        var env = Opro(1);
        Assert.Equal(5, env.ExemplarPoolCount);
        var state = env.GetAgentState();
        var shown = state["shown"]!.AsArray();
        Assert.Equal(5, shown.Count);
        Assert.All(shown, p => Assert.InRange(p![0]!.GetValue<int>(), 10, 20));
        Assert.Equal(env.ReferenceLoss, shown[^1]![2]!.GetValue<double>(), 6);
        Assert.Equal(env.ReferenceLoss, env.BestLoss);
    }

    [Fact]
    public void Step_Proposal_RewardIsClippedRelativeImprovementAndGapTracksBest()
    {
        var env = Opro(2);
        double gap0 = env.Performance;
        Assert.Equal(env.ReferenceLoss - env.OptimalLoss, gap0, 6);
        var good = env.Step("so I choose [w, b] = [15, 14]");
        Assert.Equal("[15, 14]", good.Action);
        Assert.Equal(1 - (env.Loss(15, 14) / env.ReferenceLoss), good.Reward, 9);
        Assert.Equal(env.Loss(15, 14) - env.OptimalLoss, env.Performance, 6);
        var bad = env.Step("[100, -50]");
        Assert.Equal(0, bad.Reward);
        Assert.Equal(good.Performance, bad.Performance);
    }

    [Theory]
    [InlineData("[w, b] = [15.4, 13.6]", 15, 14)]
    [InlineData("first [1, 2] then [ -3 , 4 ]", -3, 4)]
    [InlineData("[14.5, 2.5]", 15, 3)]
    public void ParsePair_Responses_LastPairRounded(string response, int w, int b) =>
        Assert.Equal((w, b), LinearRegressionEnvironment.ParsePair(response));

    [Theory]
    [InlineData("w = 15 and b = 14")]
    [InlineData("[w, b]")]
    [InlineData("")]
    public void ParsePair_NoNumericPair_ReturnsNull(string response) =>
        Assert.Null(LinearRegressionEnvironment.ParsePair(response));

    [Fact]
    public void Step_Unparseable_CountsFailureWithZeroReward()
    {
        var env = Opro();
        var r = env.Step("I would try w = 15.");
        Assert.False(r.Parsed);
        Assert.Equal(0, r.Reward);
        Assert.Equal(1, env.ParseFailures);
    }

    [Fact]
    public void RenderExemplars_ManyPoints_ShowsBestTwentyWorstToBest()
    {
        var env = Opro(3);
        for (int w = 5; w < 30; w++)
        {
            env.Step($"[{w}, 14]");
        }

        var text = env.RenderExemplars();
        Assert.Equal(20, text.Split("input:").Length - 1);
        var shown = env.GetAgentState()["shown"]!.AsArray();
        var losses = shown.Select(p => p![2]!.GetValue<double>()).ToArray();
        Assert.Equal(losses.OrderByDescending(l => l), losses);
        Assert.Equal(env.BestLoss, losses[^1]);
        Assert.EndsWith($"w={shown[^1]![0]}, b={shown[^1]![1]}\nvalue:\n" + Math.Round(env.BestLoss).ToString("0", System.Globalization.CultureInfo.InvariantCulture), text);
        Assert.InRange(env.ExemplarPoolCount, 25, 30);
        Assert.Equal(3, env.GetAgentState([0, 1, 2])["shown"]!.AsArray().Count);
    }
}
