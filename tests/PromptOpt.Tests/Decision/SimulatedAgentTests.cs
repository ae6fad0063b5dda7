using System.Text.Json.Nodes;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Decision;

public class SimulatedAgentTests
{
    private const string ExploreStats = " Explore buttons you are uncertain about, and work out the average reward of each button before deciding.";
    private const string ExploitOnly = " Exploit what works: stay with the button that has the best result so far.";

    private static async Task<double> MeanPerformance(string envName, string hint, int seeds, int? steps = null)
    {
        double total = 0;
        for (int seed = 0; seed < seeds; seed++)
        {
            var env = EnvironmentCatalog.Create(envName, seed);
            var mp = new MetaPrompt(env.OriginalTaskDescription + hint, env.OriginalMetaInstruction);
            var client = new SimAgentChatClient(new SimOptions { Seed = seed });
            total += (await new AgentRunner(client).RunAsync(env, mp, steps)).Performance;
        }

        return total / seeds;
    }

    [Fact]
    public async Task Act_HardBandit_ExploreAndStatsHasLowerRegretThanExploitOnly()
    {
        Assert.Equal(new AgentSkillSet(true, false, true, false, false, false), AgentSkills.Detect(ExploreStats));
        Assert.Equal(new AgentSkillSet(false, true, false, false, false, false), AgentSkills.Detect(ExploitOnly));
        double exploreStats = await MeanPerformance("bandit-hard", ExploreStats, 12);
        double exploit = await MeanPerformance("bandit-hard", ExploitOnly, 12);
        Assert.True(exploreStats < exploit - 1, $"explore+stats regret {exploreStats:F2} vs exploit-only {exploit:F2}");
    }

    [Fact]
    public async Task Act_EasyBandit_ExploreAndStatsBeatsTheOriginal()
    {
        double exploreStats = await MeanPerformance("bandit-easy", ExploreStats, 12);
        double original = await MeanPerformance("bandit-easy", "", 12);
        Assert.True(exploreStats < original - 2, $"explore+stats regret {exploreStats:F2} vs original {original:F2}");
    }

    [Fact]
    public async Task Act_LinearRegression_RefineReachesSmallerGapThanDiverse()
    {
        double refine = await MeanPerformance("linreg", " Make small adjustments to the best pair.", 6, steps: 40);
        double diverse = await MeanPerformance("linreg", " Propose a pair different from all of them.", 6, steps: 40);
        Assert.True(refine < diverse, $"refine gap {refine:F1} vs diverse gap {diverse:F1}");
    }

    [Fact]
    public void Act_SameRequest_IsDeterministic()
    {
        var env = new TspEnvironment("tsp-10", 4);
        var op = AgentOperation.Create(env);
        var text = env.OriginalMetaPrompt.Render(env.RenderExemplars());
        var a = SimulatedAgent.Act(op, text, new SimOptions { Seed = 3 }, 5);
        var b = SimulatedAgent.Act(LlmOperation.FromJson(op.ToJson())!, text, new SimOptions { Seed = 3 }, 5);
        var c = SimulatedAgent.Act(op, text, new SimOptions { Seed = 3 }, 6);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Null(env.ValidateTour(TspEnvironment.ParseTrace(a)!));
    }

    [Theory]
    [InlineData("bandit-hard")]
    [InlineData("linreg")]
    [InlineData("tsp-15")]
    public void Act_WithFormat_RepliesParseInEveryEnvironment(string name)
    {
        for (int i = 0; i < 20; i++)
        {
            var env = EnvironmentCatalog.Create(name, i);
            var reply = SimulatedAgent.Act(AgentOperation.Create(env), env.OriginalMetaPrompt.Render(env.RenderExemplars()), new SimOptions(), i);
            Assert.True(env.Step(reply).Parsed, reply);
        }
    }

    [Fact]
    public void Act_RegressionWithoutFormat_SomeRepliesUnparseable()
    {
        int failures = 0;
        const int N = 200;
        for (int i = 0; i < N; i++)
        {
            var env = new LinearRegressionEnvironment("linreg", i);
            var noFormat = new MetaPrompt(env.OriginalTaskDescription, "Suggest the next w and b.");
            var reply = SimulatedAgent.Act(AgentOperation.Create(env), noFormat.Render(env.RenderExemplars()), new SimOptions(), i);
            failures += LinearRegressionEnvironment.ParsePair(reply) is null ? 1 : 0;
        }

        Assert.InRange(failures, 0.15 * N * 0.5, 0.15 * N * 1.6);
    }

    [Fact]
    public void Act_RegressionRefine_ProposesNearTheBestShownPair()
    {
        var env = new LinearRegressionEnvironment("linreg", 2);
        var best = env.GetAgentState()["best"]!.AsArray();
        var text = new MetaPrompt(env.OriginalTaskDescription + " Refine the best pair.", env.OriginalMetaInstruction).Render(env.RenderExemplars());
        for (int i = 0; i < 20; i++)
        {
            var (w, b) = LinearRegressionEnvironment.ParsePair(SimulatedAgent.Act(AgentOperation.Create(env), text, new SimOptions(), i))!.Value;
            Assert.InRange(w, best[0]!.GetValue<int>() - 4, best[0]!.GetValue<int>() + 4);
            Assert.InRange(b, best[1]!.GetValue<int>() - 4, best[1]!.GetValue<int>() + 4);
        }
    }

    [Fact]
    public async Task SimulatedWorldClient_AgentAct_RoutesToTheSimulatedAgent()
    {
        var env = new BanditEnvironment("bandit-hard", 2);
        var client = new SimulatedWorld(new SimOptions { Seed = 2 }).CreateClient();
        var result = await new AgentRunner(client).RunAsync(env, env.OriginalMetaPrompt, steps: 30);
        Assert.Equal(0, result.ParseFailures);
        Assert.True(env.Counts.Count(c => c > 0) >= 2, "the agent should try more than one button in 30 turns");
        var again = new BanditEnvironment("bandit-hard", 2);
        await new AgentRunner(new SimulatedWorld(new SimOptions { Seed = 2 }).CreateClient()).RunAsync(again, again.OriginalMetaPrompt, steps: 30);
        Assert.Equal(env.Steps.Select(s => s.Action), again.Steps.Select(s => s.Action));
    }

    [Fact]
    public void Act_UnknownState_RepliesUnparseably()
    {
        var reply = SimulatedAgent.Act(new LlmOperation("agent_act", new JsonObject()), "anything", new SimOptions(), 0);
        Assert.Null(LinearRegressionEnvironment.ParsePair(reply));
        Assert.Null(TspEnvironment.ParseTrace(reply));
    }
}
