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
    public void Bandit_SuffixFailure_IsTheBestArmNeverChosenInTheLastHalfOfTheStepsTaken()
    {
        var env = new BanditEnvironment("b", 7, BanditOptions.Hard);
        string best = env.ArmNames[env.BestArm], other = env.ArmNames[(env.BestArm + 1) % 5];
        Assert.False(env.IsSuffixFailure);
        env.Step($"<answer>{best}</answer>");
        Assert.False(env.IsSuffixFailure); // t = 1: the last half is step 1
        env.Step($"<answer>{other}</answer>");
        Assert.True(env.IsSuffixFailure); // t = 2: the last half is step 2
        env.Step($"<answer>{best}</answer>");
        env.Step("no idea");
        Assert.False(env.IsSuffixFailure); // t = 4: steps 3–4, best chosen at 3
        env.Step($"<answer>{other}</answer>");
        env.Step($"<answer>{other}</answer>");
        Assert.True(env.IsSuffixFailure); // t = 6: steps 4–6 (an unparseable step is not the best arm)
    }

    [Fact]
    public void Bandit_MinFrac_IsKTimesTheSmallestShareOfSteps()
    {
        var env = new BanditEnvironment("b", 3, BanditOptions.Easy);
        Assert.Equal(0, env.MinFrac);
        foreach (var arm in env.ArmNames)
        {
            env.Step($"<answer>{arm}</answer>");
        }

        Assert.Equal(1, env.MinFrac, 12); // uniform
        env.Step($"<answer>{env.ArmNames[0]}</answer>");
        env.Step($"<answer>{env.ArmNames[0]}</answer>");
        env.Step("unparseable");
        env.Step($"<answer>{env.ArmNames[1]}</answer>");
        Assert.Equal(4 * 1.0 / 8, env.MinFrac, 12);
        var one = new BanditEnvironment("b", 3, BanditOptions.Easy);
        one.Step($"<answer>{one.ArmNames[2]}</answer>");
        Assert.Equal(0, one.MinFrac);
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
