using PromptOpt.Decision;

namespace PromptOpt.Tests.Decision;

public class EnvironmentMeasuresTests
{
    [Fact]
    public void Bandit_CumulativeRegretIsThePerformanceAndBestValueTheTotalReward()
    {
        var env = new BanditEnvironment("b", 7, BanditOptions.Hard);
        int bad = (env.BestArm + 1) % 5;
        var s1 = env.Step($"<answer>{env.ArmNames[bad]}</answer>");
        var s2 = env.Step("no idea");
        Assert.Equal(0.2 + 0.2, env.CumulativeRegret, 12);
        Assert.Equal(env.Performance, env.CumulativeRegret);
        Assert.Equal(s1.Reward, env.BestValue);
        Assert.True(env.BestValueHigherIsBetter);
        Assert.Equal(("cumulative_reward", s1.Reward), (env.BestValueName, s1.BestValue));
        Assert.Equal(0.2, s1.CumulativeRegret, 12);
        Assert.Equal(0.4, s2.CumulativeRegret, 12);
    }

    [Fact]
    public void LinearRegression_CumulativeRegretSumsOneMinusRewardAndBestValueIsTheBestLoss()
    {
        var env = new LinearRegressionEnvironment("linreg", 4);
        double reference = env.ReferenceLoss;
        var a = env.Step("[w, b] = [" + (int)env.OptimalSlope + ", " + (int)env.OptimalIntercept + "]");
        var b = env.Step("nothing parseable");
        var c = env.Step("[1000, 1000]");
        Assert.Equal((1 - a.Reward) + 1 + (1 - c.Reward), env.CumulativeRegret, 12);
        Assert.Equal(0, c.Reward);
        Assert.Equal(Math.Min(reference, env.Loss((int)env.OptimalSlope, (int)env.OptimalIntercept)), env.BestValue, 9);
        Assert.Equal(env.BestLoss, env.BestValue);
        Assert.False(env.BestValueHigherIsBetter);
        Assert.Equal("best_loss", env.BestValueName);
        Assert.Equal(env.BestValue, c.BestValue);
        Assert.Equal(1 - a.Reward + 1, b.CumulativeRegret, 12);
    }

    [Fact]
    public void Tsp_BestValueIsTheBestLength()
    {
        var env = new TspEnvironment("tsp-10", 2);
        double startBest = env.BestValue;
        var s = env.Step("<trace>" + string.Join(",", env.ReferenceTour) + "</trace>");
        Assert.Equal(1, s.Reward, 9);
        Assert.Equal(env.ReferenceLength, env.BestValue, 9);
        Assert.True(env.ReferenceLength <= startBest);
        Assert.Equal(("best_length", 0.0), (env.BestValueName, env.CumulativeRegret));
    }

    [Theory]
    [InlineData("bandit-hard")]
    [InlineData("linreg")]
    [InlineData("tsp-10")]
    public void CreateFresh_AfterSteps_IsTheInitialStateWithTheSameSettings(string name)
    {
        var env = EnvironmentCatalog.Create(name, 3);
        var initial = env.RenderExemplars();
        env.Step("<answer>blue</answer> [15, 14] <trace>0,1,2,3,4,5,6,7,8,9</trace>");
        var fresh = env.CreateFresh();
        Assert.Equal((name, 3, 0, env.GetType()), (fresh.Name, fresh.Seed, fresh.StepCount, fresh.GetType()));
        Assert.Equal(initial, fresh.RenderExemplars());
        Assert.Equal(env.OriginalMetaPrompt, fresh.OriginalMetaPrompt);
    }
}
