using System.Text.Json.Nodes;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Decision;

public class SimulatedAgentTests
{
    private const string Reasoning = " Think step by step and explain your reasoning before you choose.";
    private const string Statistics = " First compute the average reward of each button.";
    private const string Explore = " You are a bandit algorithm: balance exploration of uncertain buttons with exploitation of the best one.";

    [Theory]
    [InlineData(false, false, false, AgentBanditBehaviour.ExploitOnly)]
    [InlineData(false, false, true, AgentBanditBehaviour.ExploitOnly)]
    [InlineData(false, true, false, AgentBanditBehaviour.OnceThenGreedy)]
    [InlineData(false, true, true, AgentBanditBehaviour.OnceThenGreedy)]
    [InlineData(true, true, false, AgentBanditBehaviour.OnceThenGreedy)]
    [InlineData(true, false, false, AgentBanditBehaviour.EpsilonGreedy)]
    [InlineData(true, false, true, AgentBanditBehaviour.EpsilonGreedy)]
    [InlineData(true, true, true, AgentBanditBehaviour.PosteriorSampling)]
    public void ChooseBehaviour_FollowsSimulatorMd(bool explore, bool reasoning, bool summarized, AgentBanditBehaviour expected) =>
        Assert.Equal(expected, SimulatedAgent.ChooseBehaviour(explore, reasoning, summarized));

    [Fact]
    public void Read_SkillSentences_ActivateTheirSkillsAndNotTheOthers()
    {
        var e = AgentSkills.Read(Explore.Trim());
        var c = AgentSkills.Read(Reasoning.Trim());
        var a = AgentSkills.Read(Statistics.Trim());
        Assert.True(e.Explore >= 0.8 && e.Reasoning < 0.5 && e.Statistics < 0.5, e.ToString());
        Assert.True(c.Reasoning >= 0.8 && c.Explore < 0.5 && c.Statistics < 0.5, c.ToString());
        Assert.True(a.Statistics >= 0.8 && a.Explore < 0.5 && a.Reasoning < 0.5, a.ToString());
        Assert.Equal(0, AgentSkills.Read("Answer the question.").Explore);
    }

    [Fact]
    public void Act_Bandit_ReadsTheHistoryFromTheTextNotFromTheState()
    {
        var env = new BanditEnvironment("bandit-hard", 3); // no pulls: the state's counts are all zero
        var history = "History of the 4 turns so far:\nTurn 1: pressed red, reward 1\nTurn 2: pressed red, reward 1\nTurn 3: pressed red, reward 0\nTurn 4: pressed red, reward 1";
        var text = env.OriginalMetaPrompt.Render(history);
        for (int sample = 0; sample < 20; sample++)
        {
            // The basic prompt exploits: red (mean 0.75 + imitation) beats every untried button (valued 0).
            Assert.Equal("<answer>red</answer>", SimulatedAgent.Act(AgentOperation.Create(env), text, new SimOptions { Seed = sample }, sample));
        }
    }

    [Fact]
    public void Act_Bandit_TheSummaryIsAFactOfTheRendering_SameSkillsActDifferently()
    {
        var env = new BanditEnvironment("bandit-hard", 3);
        var mp = new MetaPrompt(env.OriginalTaskDescription + Explore + Reasoning, env.OriginalMetaInstruction);
        var raw = mp.Render("History of the 2 turns so far:\nTurn 1: pressed red, reward 1\nTurn 2: pressed red, reward 1");
        var summary = mp.Render("Summary of the 2 turns so far:\nblue button: pressed 0 times, average reward n/a\ngreen button: pressed 0 times, average reward n/a\n" +
            "red button: pressed 2 times, average reward 1.00\nyellow button: pressed 0 times, average reward n/a\npurple button: pressed 0 times, average reward n/a");
        var rawChoices = Enumerable.Range(0, 60).Select(i => env.ParseArm(SimulatedAgent.Act(AgentOperation.Create(env), raw, new SimOptions(), i))).ToList();
        var summaryChoices = Enumerable.Range(0, 60).Select(i => env.ParseArm(SimulatedAgent.Act(AgentOperation.Create(env), summary, new SimOptions(), i))).ToList();
        int red = env.ArmNames.ToList().IndexOf("red");

        // Raw history, E∧C: try each button once first — never red again while others are untried.
        Assert.DoesNotContain(red, rawChoices);
        Assert.Equal(4, rawChoices.Distinct().Count());

        // Summarised, E∧C∧R: posterior sampling — red (Beta(3, 1)) most often, the untried ones (Beta(1, 1)) too.
        Assert.InRange(summaryChoices.Count(c => c == red), 10, 40); // expected ≈ 0.91 · P(Beta(3,1) > max of 4 U(0,1)) = 0.91 · 3/7 → 23 of 60
        Assert.True(summaryChoices.Distinct().Count() >= 4);
    }

    [Fact]
    public void Act_Bandit_StatisticsWithReasoningRemovesTheImitationTerm()
    {
        // blue: 80 pulls, 0.55; red: 10 pulls, 0.60; the others 2 pulls, 0. With the imitation term β·n/t, blue looks
        // better (0.717 vs 0.621 before ε); computing the averages (A with C) makes red look better (0.55 vs 0.60).
        var lines = new List<string>();
        void Add(string arm, int n, int s)
        {
            for (int i = 0; i < n; i++)
            {
                lines.Add($"Turn {lines.Count + 1}: pressed {arm}, reward {(i < s ? 1 : 0)}");
            }
        }

        Add("blue", 80, 44);
        Add("red", 10, 6);
        Add("green", 2, 0);
        Add("yellow", 2, 0);
        Add("purple", 2, 0);
        var history = $"History of the {lines.Count} turns so far:\n" + string.Join("\n", lines);
        var env = new BanditEnvironment("bandit-hard", 3);
        double BlueShare(string added)
        {
            var text = new MetaPrompt(env.OriginalTaskDescription + added, env.OriginalMetaInstruction).Render(history);
            return Enumerable.Range(0, 200).Count(seed => SimulatedAgent.Act(AgentOperation.Create(env), text, new SimOptions { Seed = seed }, 0) == "<answer>blue</answer>") / 200.0;
        }

        double withoutStats = BlueShare(Reasoning), withStats = BlueShare(Reasoning + Statistics);
        // Expected from ε ~ N(0, 0.1) per arm: ≈ 0.75 vs ≈ 0.36; binomial s.e. at 200 seeds ≤ 0.035.
        Assert.True(withoutStats > withStats + 0.2, $"blue share: C {withoutStats:F2}, C+A {withStats:F2}");
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
    [InlineData("bandit-easy-summarized")]
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

        double aFormat = AgentSkills.Read(new LinearRegressionEnvironment("linreg", 0).OriginalTaskDescription + "\nSuggest the next w and b.").Format;
        double expected = 0.15 * (1 - aFormat) * N;
        Assert.True(expected >= 10, $"a_format {aFormat:F2}");
        Assert.InRange(failures, expected - (3 * Math.Sqrt(expected)), expected + (3 * Math.Sqrt(expected)));
    }

    [Fact]
    public async Task Act_LinearRegression_RefineReachesSmallerGapThanDiverse()
    {
        // Two of the skills' own descriptions: this test is about the behaviours, not about reading paraphrases.
        const string refine = " Make small adjustments to the best point found so far.", diverse = " Move to a new region of the search space.";
        Assert.True(AgentSkills.Read(refine).Refine >= 0.8 && AgentSkills.Read(refine).Diverse < 0.5, AgentSkills.Read(refine).ToString());
        Assert.True(AgentSkills.Read(diverse).Diverse >= 0.8 && AgentSkills.Read(diverse).Refine < 0.5, AgentSkills.Read(diverse).ToString());
        double r = 0, d = 0;
        for (int seed = 0; seed < 6; seed++)
        {
            r += await RunAsync(new LinearRegressionEnvironment("linreg", seed), refine, seed, 40);
            d += await RunAsync(new LinearRegressionEnvironment("linreg", seed), diverse, seed, 40);
        }

        Assert.True(r < d, $"refine gap {r / 6:F1} vs diverse gap {d / 6:F1}");
    }

    [Fact]
    public void Act_RegressionRefine_ProposesNearTheBestShownPair()
    {
        var env = new LinearRegressionEnvironment("linreg", 2);
        var best = env.GetAgentState()["best"]!.AsArray();
        var text = new MetaPrompt(env.OriginalTaskDescription + " Refine the best solution.", env.OriginalMetaInstruction).Render(env.RenderExemplars());
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
        var mp = new MetaPrompt(env.OriginalTaskDescription + Reasoning, env.OriginalMetaInstruction);
        var client = new SimulatedWorld(new SimOptions { Seed = 2 }).CreateClient();
        var result = await new AgentRunner(client).RunAsync(env, mp, steps: 30);
        Assert.Equal(0, result.ParseFailures);
        Assert.All(env.Counts, c => Assert.True(c > 0, "with reasoning, the agent tries every button once"));
        var again = new BanditEnvironment("bandit-hard", 2);
        await new AgentRunner(new SimulatedWorld(new SimOptions { Seed = 2 }).CreateClient()).RunAsync(again, mp, steps: 30);
        Assert.Equal(env.Steps.Select(s => s.Action), again.Steps.Select(s => s.Action));
    }

    [Fact]
    public void Act_UnknownState_RepliesUnparseably()
    {
        var reply = SimulatedAgent.Act(new LlmOperation("agent_act", new JsonObject()), "anything", new SimOptions(), 0);
        Assert.Null(LinearRegressionEnvironment.ParsePair(reply));
        Assert.Null(TspEnvironment.ParseTrace(reply));
    }

    private static async Task<double> RunAsync(DecisionEnvironment env, string added, int seed, int steps)
    {
        var mp = new MetaPrompt(env.OriginalTaskDescription + added, env.OriginalMetaInstruction);
        return (await new AgentRunner(new SimAgentChatClient(new SimOptions { Seed = seed })).RunAsync(env, mp, steps)).Performance;
    }
}
