using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Tests.Optimizers.DualPhase;

namespace PromptOpt.Tests.Optimizers.Expo;

public class ExpoOptimizerTests
{
    private static JsonArray Arr(JsonObject o, string key) => Assert.IsType<JsonArray>(o[key]);

    [Fact]
    public async Task OptimizeAsync_Expo_ResultCarriesPromptsTrajectoryAndReportDetails()
    {
        var rig = ExpoRig.Create("bandit-hard", seed: 3, steps: 12);
        var r = await rig.RunAsync(ExpoStrategy.Expo);

        var env = EnvironmentCatalog.Create("bandit-hard", 3);
        Assert.Equal("expo", r.Method);
        Assert.Equal(DecisionRequest.ToPrompt(env.OriginalMetaPrompt), r.StartPrompt);
        Assert.Equal("completed", r.StopReason);
        Assert.Equal(12, r.Usage.For(ModelRoles.Agent).Calls);
        Assert.Equal(2, r.Usage.For(ModelRoles.Optimizer).Calls);

        // Trajectory: one point per step, calls growing, cumulative regret (bandit) non-decreasing.
        Assert.Equal(12, r.Trajectory.Count);
        Assert.Equal(3, r.Trajectory[0].Calls); // two variant calls, then the first agent call
        Assert.True(r.Trajectory.Zip(r.Trajectory.Skip(1)).All(p => p.Second.Calls == p.First.Calls + 1 && p.Second.BestTrainScore >= p.First.BestTrainScore));

        // Details in the shapes of Reporting/README-details.md.
        var steps = Arr(r.Details, "steps");
        Assert.Equal(12, steps.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            var s = Assert.IsType<JsonObject>(steps[i]);
            Assert.Equal(i + 1, (int)s["step"]!);
            Assert.InRange((double)s["reward"]!, 0, 1);
            Assert.Equal(r.Trajectory[i].BestTrainScore, (double)s["cumulative_regret"]!, 6);
            Assert.True(s["best_value"] is JsonValue);
            int arm = (int)s["arm"]!;
            var top = Arr(s, "top_probs").Select(t => ((int)t!["arm"]!, (double)t["p"]!)).ToList();
            Assert.InRange(top.Count, 1, ExpoResults.TopProbabilities);
            Assert.True(top.Zip(top.Skip(1)).All(p => p.First.Item2 >= p.Second.Item2));
            Assert.True(top.Sum(t => t.Item2) <= 1 + 1e-3);
            if (i == 0)
            {
                Assert.All(top, t => Assert.Equal(top[0].Item2, t.Item2, 4)); // S_0 = 0: uniform at step 1
            }

            Assert.InRange(arm, 0, r.Candidates.Count - 1);
        }

        var arms = Arr(r.Details, "arms");
        Assert.Equal(r.Candidates.Count, arms.Count);
        Assert.Equal(env.OriginalTaskDescription, (string)arms[0]!["description"]!);
        Assert.Equal(env.OriginalMetaInstruction, (string)arms[0]!["instruction"]!);
        Assert.Null(r.Details["baselines"]);
        var e = Assert.IsType<JsonObject>(r.Details["environment"]);
        Assert.Equal("bandit-hard", (string)e["name"]!);
        Assert.Equal("cumulative_reward", (string)e["best_value_name"]!);

        // Candidates: one per arm, the winner accepted and equal to BestPrompt.
        var winner = Assert.Single(r.Candidates, c => c.Accepted);
        Assert.Equal(r.BestPrompt, winner.Prompt);
        Assert.Equal((int)e["winning_arm"]!, winner.Id);
        Assert.Equal("original", r.Candidates[0].Operation);
        Assert.Equal(12, r.Candidates.Sum(c => int.Parse(Regex.Match(c.Note!, @"played (\d+) times").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(PromptOpt.Prompts.Prompt.QuestionPlaceholder, r.BestPrompt.User, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptimizeAsync_Events_EstimateBeforeFirstCallThenOneDetailedLinePerStep()
    {
        var rig = ExpoRig.Create("bandit-easy", seed: 4, steps: 8);
        long callsAtStart = -1;
        var log = new CallbackProgress(ev =>
        {
            if (ev is RunStarted)
            {
                callsAtStart = rig.Meter.Snapshot().Total.Calls;
            }

            rig.Log.Report(ev);
        });
        var request = new DecisionRequest
        {
            EnvironmentName = rig.Request.EnvironmentName, AgentModel = rig.Request.AgentModel, OptimizerModel = rig.Request.OptimizerModel,
            Embedder = rig.Request.Embedder, Usage = rig.Meter, Seed = 4, Steps = 8, Progress = log,
        };
        await new ExpoOptimizer(ExpoRig.Options(ExpoStrategy.Expo)).OptimizeAsync(request);

        var events = rig.Log.Events;
        var started = Assert.IsType<RunStarted>(events[0]);
        Assert.Equal(0, callsAtStart);
        Assert.Equal(("expo", 8L, 2L, (string?)null), (started.Method, started.EstimatedTaskCalls, started.EstimatedOptimizerCalls, started.Warning));
        var completed = rig.Log.Of<StepCompleted>();
        Assert.Equal(Enumerable.Range(1, 8), completed.Select(c => c.Step));
        Assert.All(completed, c => Assert.Matches(@"^arm \d+ \(p=\d\.\d\d\), reward [\d.]+( \(unparseable\))?, regret [\d.]+; top arms \d+ \(\d\.\d\d\), \d+ \(\d\.\d\d\), \d+ \(\d\.\d\d\)$", c.Detail));
        Assert.Equal("completed", Assert.IsType<RunCompleted>(events[^1]).StopReason);
    }

    [Fact]
    public async Task OptimizeAsync_LinearRegression_TrajectoryIsTheBestLossAndTheDetailNamesIt()
    {
        var rig = ExpoRig.Create("linreg", seed: 2, steps: 10);
        var r = await rig.RunAsync(ExpoStrategy.Uniform);
        var env = (LinearRegressionEnvironment)EnvironmentCatalog.Create("linreg", 2);
        Assert.True(r.Trajectory.Zip(r.Trajectory.Skip(1)).All(p => p.Second.BestTrainScore <= p.First.BestTrainScore));
        Assert.True(r.Trajectory[0].BestTrainScore <= env.ReferenceLoss);
        Assert.All(rig.Log.Of<StepCompleted>(), c => Assert.Contains(", best loss ", c.Detail, StringComparison.Ordinal));
        var steps = Arr(r.Details, "steps");
        double regret = 0;
        foreach (var s in steps)
        {
            regret += 1 - (double)s!["reward"]!;
            Assert.Equal(regret, (double)s["cumulative_regret"]!, 1e-4); // black-box tasks: Σ(1 − r_t); a tolerance, not 5 rounded decimals (the rewards are stored rounded, so their sum can sit across a rounding boundary)
        }
    }

    [Fact]
    public async Task OptimizeAsync_CompareWithOriginal_AddsTheFixedRunAsBaselineAndChargesItsCalls()
    {
        var rig = ExpoRig.Create("bandit-hard", seed: 5, steps: 10);
        var r = await rig.RunAsync(ExpoStrategy.Uniform, o => o with { CompareWithOriginal = true });
        var fixedRun = await ExpoRig.Create("bandit-hard", seed: 5, steps: 10).RunAsync(ExpoStrategy.Fixed);

        Assert.Equal(20, r.Usage.For(ModelRoles.Agent).Calls);
        Assert.Equal(20, Assert.IsType<RunStarted>(rig.Log.Events[0]).EstimatedTaskCalls);
        var baseline = Assert.IsType<JsonObject>(Assert.Single(Arr(r.Details, "baselines")));
        Assert.Equal("original meta-prompt", (string)baseline["name"]!);
        var curve = Arr(baseline, "steps").Select(s => (double)s!["cumulative_regret"]!).ToList();
        Assert.Equal(Arr(fixedRun.Details, "steps").Select(s => (double)s!["cumulative_regret"]!), curve);
        Assert.Equal(fixedRun.BestTrainScore, r.StartTrainScore, 9); // the original's mean reward, from the comparison run
        Assert.Contains(rig.Log.Of<RunNotice>(), n => n.Message.StartsWith("comparison:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OptimizeAsync_Fixed_PlaysTheOriginalAndCallsNoOptimizer()
    {
        var rig = ExpoRig.Create("tsp-10", seed: 1, steps: 6);
        var r = await rig.RunAsync(ExpoStrategy.Fixed);
        Assert.Equal("expo-fixed", r.Method);
        Assert.Equal(r.StartPrompt, r.BestPrompt);
        Assert.Single(r.Candidates);
        Assert.Equal(0, r.Usage.For(ModelRoles.Optimizer).Calls);
        Assert.Equal(0L, Assert.IsType<RunStarted>(rig.Log.Events[0]).EstimatedOptimizerCalls);
        Assert.All(Arr(r.Details, "steps"), s => Assert.Equal(0, (int)s!["arm"]!));
    }

    [Fact]
    public async Task OptimizeAsync_AgentBudgetSpent_StopsCleanlyWithTheStepsSoFar()
    {
        var rig = ExpoRig.Create("bandit-hard", seed: 1, steps: 30, budget: new OptimizationBudget { MaxTaskCalls = 7 });
        var r = await rig.RunAsync(ExpoStrategy.Expo);
        Assert.Equal("budget", r.StopReason);
        Assert.Equal(7, Arr(r.Details, "steps").Count);
        Assert.Equal(7, r.Trajectory.Count);
        Assert.Equal("budget", Assert.IsType<RunCompleted>(rig.Log.Events[^1]).StopReason);
    }

    [Fact]
    public async Task OptimizeAsync_OptimizerBudgetBelowTheVariantCalls_WarnsThenStopsBeforeAnyStep()
    {
        var rig = ExpoRig.Create("bandit-hard", seed: 1, steps: 30, budget: new OptimizationBudget { MaxOptimizerCalls = 1 });
        var r = await rig.RunAsync(ExpoStrategy.Expo);
        Assert.NotNull(Assert.IsType<RunStarted>(rig.Log.Events[0]).Warning);
        Assert.Equal("budget", r.StopReason);
        Assert.Empty(r.Trajectory);
        Assert.Equal(r.StartPrompt, r.BestPrompt);
        Assert.Equal(0, r.Usage.For(ModelRoles.Agent).Calls);
    }

    [Fact]
    public async Task OptimizeAsync_EnvironmentInstance_TakesPrecedenceOverTheName()
    {
        var env = new BanditEnvironment("my-bandit", 9, BanditOptions.Easy with { Horizon = 5 });
        var rig = ExpoRig.Create("linreg", seed: 9);
        var request = new DecisionRequest
        {
            EnvironmentName = "linreg", Environment = env, AgentModel = rig.Request.AgentModel, OptimizerModel = rig.Request.OptimizerModel, Usage = rig.Meter, Seed = 9,
        };
        var r = await new ExpoOptimizer(ExpoRig.Options(ExpoStrategy.Uniform)).OptimizeAsync(request);
        Assert.Equal("my-bandit", (string)r.Details["environment"]!["name"]!);
        Assert.Equal(5, env.StepCount); // the horizon, stepped in place
    }

    [Fact]
    public void ResolveEnvironment_NothingGiven_InputErrorListsTheEnvironments()
    {
        var rig = ExpoRig.Create("linreg", 1);
        var request = new DecisionRequest { AgentModel = rig.Request.AgentModel, OptimizerModel = rig.Request.OptimizerModel, Usage = rig.Meter };
        var ex = Assert.Throws<PromptOptInputException>(request.ResolveEnvironment);
        Assert.Contains("bandit-hard", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToPrompt_MetaPrompt_DescriptionPlaceholderInstruction()
    {
        var p = DecisionRequest.ToPrompt(new MetaPrompt("Describe.", "Instruct."));
        Assert.Null(p.System);
        Assert.Equal("Describe.\n\n{question}\n\nInstruct.", p.User);
        Assert.Equal(new MetaPrompt("Describe.", "Instruct.").Render("E"), p.User.Replace("{question}", "E", StringComparison.Ordinal));
    }

    [Fact]
    public void WinningArm_Ties_GoToTheMostPulledThenTheLowestIndex()
    {
        var arms = Enumerable.Range(0, 3).Select(i => new ExpoArm(i, i, 0, new MetaPrompt("d" + i, "i"))).ToArray();
        ExpoRunResult Run(double[] p, int[] pulls) => new()
        {
            Strategy = ExpoStrategy.Uniform, Environment = "x", Arms = arms, Steps = [], PerformanceMeasureName = "m", ArmPulls = pulls, FinalProbabilities = p,
        };
        Assert.Equal(2, Run([0.2, 0.3, 0.5], [5, 5, 0]).WinningArm);
        Assert.Equal(1, Run([1 / 3.0, 1 / 3.0, 1 / 3.0], [2, 4, 4]).WinningArm);
        Assert.Equal(0, Run([1 / 3.0, 1 / 3.0, 1 / 3.0], [0, 0, 0]).WinningArm);
    }

    private sealed class CallbackProgress(Action<OptimizationEvent> report) : IProgress<OptimizationEvent>
    {
        public void Report(OptimizationEvent value) => report(value);
    }
}
