using PromptOpt.Decision;

namespace PromptOpt.Tests.Decision;

public class BanditEnvironmentTests
{
    [Fact]
    public void Ctor_HardPreset_HasOneBestArmAtPointSixAndOthersAtPointFour()
    {
        var env = new BanditEnvironment("bandit-hard", 3, BanditOptions.Hard);
        Assert.Equal(5, env.ArmNames.Count);
        Assert.Equal(0.6, env.Means[env.BestArm], 12);
        Assert.All(Enumerable.Range(0, 5).Where(a => a != env.BestArm), a => Assert.Equal(0.4, env.Means[a], 12));
    }

    [Fact]
    public void Ctor_EasyPreset_HasFourArmsWithGapHalf()
    {
        var env = new BanditEnvironment("bandit-easy", 1, BanditOptions.Easy);
        Assert.Equal(4, env.ArmNames.Count);
        Assert.Equal(0.75, env.Means.Max(), 12);
        Assert.Equal(0.25, env.Means.Min(), 12);
    }

    [Fact]
    public void Step_SequenceOfPulls_AccumulatesRegretOfEachPulledArm()
    {
        var env = new BanditEnvironment("b", 7, BanditOptions.Hard);
        int bad = (env.BestArm + 1) % 5;
        env.Step($"<answer>{env.ArmNames[bad]}</answer>");
        env.Step($"<answer>{env.ArmNames[env.BestArm]}</answer>");
        env.Step($"<answer>{env.ArmNames[bad]}</answer>");
        Assert.Equal(0.4, env.Performance, 12);
        Assert.Equal(2, env.Counts[bad]);
        Assert.Equal(1, env.Counts[env.BestArm]);
        Assert.Equal("cumulative_regret", env.PerformanceMeasureName);
    }

    [Fact]
    public void Step_Unparseable_ScoresZeroCountsFailureAndAddsWorstArmRegret()
    {
        var env = new BanditEnvironment("b", 7, BanditOptions.Easy);
        var r = env.Step("I cannot decide.");
        Assert.False(r.Parsed);
        Assert.Equal(0, r.Reward);
        Assert.Equal(1, env.ParseFailures);
        Assert.Equal(0.5, env.Performance, 12);
        Assert.Equal(0, env.ExemplarPoolCount);
    }

    [Fact]
    public void Step_RewardsOverManyPulls_MatchArmMean()
    {
        var env = new BanditEnvironment("b", 11, new BanditOptions { Arms = 2, Gap = 0.5, Horizon = 4000 });
        var name = env.ArmNames[env.BestArm];
        double sum = 0;
        for (int i = 0; i < 4000; i++)
        {
            sum += env.Step($"<answer>{name}</answer>").Reward;
        }

        Assert.InRange(sum / 4000, 0.72, 0.78);
        Assert.Equal(0, env.Performance, 12);
    }

    [Theory]
    [InlineData("<answer>red</answer>", "red")]
    [InlineData("<Answer> Green </Answer>", "green")]
    [InlineData("Not blue; I will press the yellow button.", "yellow")]
    [InlineData("I considered red but <answer>blue</answer>", "blue")]
    [InlineData("<answer>magenta</answer>", null)]
    [InlineData("bluegreen", null)]
    public void ParseArm_Responses_FindsLastArmName(string response, string? expected)
    {
        var env = new BanditEnvironment("b", 0, BanditOptions.Hard);
        int arm = env.ParseArm(response);
        Assert.Equal(expected, arm < 0 ? null : env.ArmNames[arm]);
    }

    [Fact]
    public void RenderExemplars_RawAndSummarized_ShowHistory()
    {
        var raw = new BanditEnvironment("b", 2, BanditOptions.Hard);
        var sum = new BanditEnvironment("b", 2, BanditOptions.Hard with { Rendering = BanditHistoryRendering.Summarized });
        Assert.Contains("No button", raw.RenderExemplars());
        foreach (var env in new[] { raw, sum })
        {
            env.Step("<answer>blue</answer>");
            env.Step("<answer>blue</answer>");
            env.Step("<answer>red</answer>");
        }

        var rawText = raw.RenderExemplars();
        Assert.Contains("Turn 1: pressed blue, reward ", rawText);
        Assert.Contains("Turn 3: pressed red, reward ", rawText);
        var sumText = sum.RenderExemplars();
        Assert.Contains("blue button: pressed 2 times, average reward ", sumText);
        Assert.Contains("green button: pressed 0 times, average reward n/a", sumText);
        Assert.Contains("Turn 3:", raw.RenderExemplars([2]));
        Assert.DoesNotContain("Turn 1:", raw.RenderExemplars([2]));
    }

    [Fact]
    public void GetAgentState_AfterPulls_CarriesCountsAndSuccesses()
    {
        var env = new BanditEnvironment("b", 2, BanditOptions.Hard);
        env.Step("<answer>blue</answer>");
        var r = env.Step("<answer>blue</answer>");
        var state = env.GetAgentState();
        Assert.Equal("bandit", state["kind"]!.GetValue<string>());
        Assert.Equal(2, state["counts"]![0]!.GetValue<int>());
        Assert.Equal(env.Steps.Sum(s => s.Reward), state["successes"]![0]!.GetValue<int>());
        Assert.Equal(2, state["t"]!.GetValue<int>());
        Assert.Equal(r.Performance, env.Performance);
    }
}
