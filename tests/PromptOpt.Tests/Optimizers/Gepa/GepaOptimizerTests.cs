using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Gepa;
using PromptOpt.Tests.Optimizers.Baselines;

namespace PromptOpt.Tests.Optimizers.Gepa;

public class GepaOptimizerTests
{
    private static GepaOptions Small(int calls = 500) => new() { MaxMetricCalls = calls };

    [Fact]
    public async Task OptimizeAsync_Simulator_ImprovesWithinItsMetricBudget_AndRecordsLineageAndReflections()
    {
        var task = BaselineRig.Task("multistep_arithmetic");
        var request = BaselineRig.Request(task);

        var result = await new GepaOptimizer(Small()).OptimizeAsync(request);

        var d = result.Details;
        int pareto = (int)d["pareto_set"]!;
        long used = (long)d["metric_calls"]!;
        Assert.Equal("metric-calls", result.StopReason);
        Assert.InRange(used, 500, 500 + pareto + (2 * 3)); // stops at the first check past the budget: one iteration of overshoot at most
        Assert.True(result.BestTrainScore > result.StartTrainScore, $"{result.StartTrainScore} -> {result.BestTrainScore}");
        var lineage = d["lineage"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.True(lineage.Count >= 2);
        var ids = lineage.Select(l => (int)l["candidate"]!).ToHashSet();
        Assert.All(lineage.Skip(1), l => Assert.All(l["parents"]!.AsArray(), p => Assert.Contains((int)p!, ids)));
        var iterations = d["iterations"]!.AsArray().Select(n => n!.AsObject()).ToList();
        int reflected = iterations.Count(i => (string?)i["kind"] == "mutation");
        Assert.Equal(reflected, d["reflections"]!.AsArray().Count);
        Assert.All(d["reflections"]!.AsArray(), r => Assert.NotEmpty(r!["feedback"]!.AsArray()));
        Assert.Contains(iterations, i => (string?)i["component"] == "system");
        Assert.Contains(iterations, i => (string?)i["component"] == "user");
        Assert.Equal(result.BestPrompt, result.Candidates.Single(c => c.Id == (int)iterations[^1]["best"]!).Prompt);
    }

    [Fact]
    public async Task OptimizeAsync_SameSeedTwice_SameCandidatesAndResult()
    {
        var task = BaselineRig.Task("navigate");

        var a = await new GepaOptimizer(Small(300)).OptimizeAsync(BaselineRig.Request(task));
        var b = await new GepaOptimizer(Small(300)).OptimizeAsync(BaselineRig.Request(task));

        Assert.Equal(a.BestPrompt, b.BestPrompt);
        Assert.Equal(a.Candidates.Select(c => (c.Prompt.Key, c.TrainScore, c.ParentId)), b.Candidates.Select(c => (c.Prompt.Key, c.TrainScore, c.ParentId)));
        Assert.True(JsonNode.DeepEquals(a.Details, b.Details));
    }

    [Fact]
    public async Task OptimizeAsync_TaskCallBudgetWithoutPreset_SpendsThatBudgetAndStopsOnIt()
    {
        var task = BaselineRig.Task("multistep_arithmetic");
        var request = BaselineRig.Request(task, new OptimizationBudget { MaxTaskCalls = 250 });

        var result = await new GepaOptimizer().OptimizeAsync(request);

        long calls = request.Usage.Snapshot().For(ModelRoles.Task).Calls;
        Assert.InRange(calls, 200, 250);
        Assert.Contains(result.StopReason, new[] { "budget", "metric-calls" });
        Assert.Equal(250, (int)result.Details["metric_budget"]!);
    }

    [Fact]
    public async Task OptimizeAsync_PerfectTaskModel_StopsOnItsMetricBudget()
    {
        // A task model that answers every example correctly: every minibatch is perfect, so every iteration is skipped and
        // (after the first epoch) costs no paid call. Metric calls must still count, as gepa counts them, or the loop never
        // ends (it did on simulator v2: bbh_navigate at 600 + 20, 300,000 iterations at 509 of 600 paid calls).
        var task = BaselineRig.Task("navigate");
        var answers = task.Dataset.All.ToDictionary(e => e.Input, e => e.Target, StringComparer.Ordinal);
        var perfect = new PromptOpt.Tests.TestDoubles.FakeChatClient
        {
            OnGetResponse = (messages, _, _) =>
            {
                var text = messages.Last(m => m.Role == Microsoft.Extensions.AI.ChatRole.User).Text;
                var target = answers.First(a => text.Contains(a.Key, StringComparison.Ordinal)).Value;
                return Task.FromResult(new Microsoft.Extensions.AI.ChatResponse(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, target)));
            },
        };
        var sim = BaselineRig.Request(task);
        // The perfect model behind the same metered pipeline as the simulator's, so its calls count as paid task calls.
        var metered = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Task, new ModelPipelineOptions { Usage = sim.Usage, SimulatorFactory = _ => perfect });
        var request = new OptimizationRequest
        {
            Task = sim.Task, TaskModel = metered, OptimizerModel = sim.OptimizerModel, Usage = sim.Usage, Seed = sim.Seed,
            TrainSize = sim.TrainSize, TestSize = sim.TestSize,
        };

        var run = new GepaOptimizer(Small(400)).OptimizeAsync(request);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2)));

        Assert.Same(run, finished);
        var result = await run;
        Assert.Equal(1.0, result.StartTrainScore);
        Assert.Equal("metric-calls", result.StopReason);
        Assert.InRange((long)result.Details["metric_calls"]!, 400, 400 + (2 * 3) + (int)result.Details["pareto_set"]!);
        Assert.True(perfect.CallCount < 400, $"known answers are not paid again: {perfect.CallCount} paid calls");
    }

    [Fact]
    public async Task OptimizeAsync_NoImprovementStop_Stops()
    {
        var task = BaselineRig.Task("navigate");
        var result = await new GepaOptimizer(new GepaOptions { MaxMetricCalls = 5000, StopAfterNoImprovement = 2 }).OptimizeAsync(BaselineRig.Request(task));

        Assert.Equal("no-improvement", result.StopReason);
    }

    [Fact]
    public void Options_InvalidValuesAndBothBudgets_AreOneLineErrors()
    {
        var bad = Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.Create("gepa", new Dictionary<string, string> { ["minibatch-size"] = "0", ["max-merges"] = "-1" }));
        Assert.Contains("MinibatchSize", bad.Message, StringComparison.Ordinal);
        Assert.Contains("MaxMerges", bad.Message, StringComparison.Ordinal);
        var both = Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.Create("gepa", new Dictionary<string, string> { ["auto"] = "light", ["max-metric-calls"] = "100" }));
        Assert.Contains("not both", both.Message, StringComparison.Ordinal);
        var unknown = Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.Create("gepa", new Dictionary<string, string> { ["selection"] = "random" }));
        Assert.Contains("selection", unknown.Message, StringComparison.Ordinal);
        var ok = Assert.IsType<GepaOptimizer>(OptimizerRegistry.Create("gepa", new Dictionary<string, string> { ["selection"] = "current-best", ["merge"] = "false", ["auto"] = "medium" }));
        Assert.Equal(GepaSelection.CurrentBest, ok.Options.Selection);
        Assert.False(ok.Options.Merge);
        Assert.Equal(AutoPreset.Medium, ok.Options.Auto);
    }

    [Fact]
    public void Ctor_Defaults_AreThePapersAndDspys()
    {
        var o = new GepaOptions();

        Assert.Equal(3, o.MinibatchSize);
        Assert.True(o.Merge);
        Assert.Equal(5, o.MaxMerges);
        Assert.Equal(GepaSelection.Pareto, o.Selection);
        Assert.Null(o.MaxMetricCalls);
        Assert.Null(o.Auto);
        Assert.Equal(GepaOptions.AutoBudget(6, 2, 40), GepaOptimizer.ResolveMetricCalls(o, OptimizationBudget.Unlimited, 40));
    }
}
