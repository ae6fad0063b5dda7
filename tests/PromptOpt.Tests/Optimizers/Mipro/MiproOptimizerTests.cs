using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Gepa;
using PromptOpt.Optimizers.Mipro;
using PromptOpt.Prompts;
using PromptOpt.Tests.Optimizers.Baselines;

namespace PromptOpt.Tests.Optimizers.Mipro;

public class MiproOptimizerTests
{
    [Fact]
    public async Task OptimizeAsync_LightPreset_BootstrapsPassingDemos_ProposesGroundedInstructions_RunsTheTrialSchedule()
    {
        var task = BaselineRig.Task("multistep_arithmetic");
        var request = BaselineRig.Request(task);

        var result = await new MiproOptimizer().OptimizeAsync(request);

        var d = result.Details;
        Assert.Equal(BaselineSupportCompleted, result.StopReason);
        Assert.Equal(10, d["trials"]!.AsArray().Count); // light: n = 6, ⌊max(4·log2 6, 9)⌋ = 10
        Assert.All(d["trials"]!.AsArray(), t => Assert.Equal(25, (int)t!["examples"]!)); // |dev| = 40 > 25: minibatches
        Assert.Equal([5, 10], d["full_evals"]!.AsArray().Select(f => (int)f!["after_trial"]!));
        var instructions = d["instructions"]!.AsArray();
        Assert.InRange(instructions.Count, 2, 6);
        Assert.Equal(result.StartPrompt.User, (string?)instructions[0]!["text"]);
        Assert.Equal(1L + 5, request.Usage.Snapshot().For(ModelRoles.Optimizer).Calls - request.Usage.Snapshot().For(ModelRoles.Optimizer).Retries);
        var sets = d["demo_sets"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Equal(["start", "labeled", "bootstrapped", "bootstrapped", "bootstrapped", "bootstrapped"], sets.Select(s => (string?)s["kind"]));
        Assert.Empty(sets[0]["demos"]!.AsArray());
        var byInput = task.Dataset.Train.ToDictionary(e => e.Input);
        var testInputs = task.Dataset.Test.Select(e => e.Input).ToHashSet();
        foreach (var set in sets.Skip(1))
        {
            foreach (var demo in set["demos"]!.AsArray().Select(x => new Demo((string)x!["input"]!, (string)x["answer"]!, (string?)x["rationale"])))
            {
                Assert.DoesNotContain(demo.Input, testInputs);
                Assert.Equal(1.0, task.Metric.Score(demo.Reply, byInput[demo.Input]).Score); // bootstrapped ones passed; labelled ones are the label
            }
        }

        Assert.True(result.BestTrainScore >= result.StartTrainScore);
        var best = d["best"]!;
        Assert.Equal(result.BestPrompt.Demos.Count, sets[(int)best["demo_set"]!]["demos"]!.AsArray().Count);
    }

    private const string BaselineSupportCompleted = "completed";

    [Fact]
    public async Task OptimizeAsync_SameSeedTwice_SameTrialsAndResult()
    {
        var task = BaselineRig.Task("navigate");
        var o = new MiproOptions { Trials = 6, Instructions = 3, DemoSets = 3 };

        var a = await new MiproOptimizer(o).OptimizeAsync(BaselineRig.Request(task));
        var b = await new MiproOptimizer(o).OptimizeAsync(BaselineRig.Request(task));

        Assert.Equal(a.BestPrompt, b.BestPrompt);
        Assert.True(JsonNode.DeepEquals(a.Details, b.Details));
    }

    [Fact]
    public async Task OptimizeAsync_TaskCallBudget_SpendsItAndStopsOnIt()
    {
        var task = BaselineRig.Task("multistep_arithmetic");
        var request = BaselineRig.Request(task, new OptimizationBudget { MaxTaskCalls = 400 });

        var result = await new MiproOptimizer().OptimizeAsync(request);

        Assert.Equal("budget", result.StopReason);
        Assert.InRange(request.Usage.Snapshot().For(ModelRoles.Task).Calls, 360, 400);
        Assert.True(result.Details["trials"]!.AsArray().Count > 10); // more than the light preset's: the budget sets the trials
    }

    [Theory]
    [InlineData(null, 6, 6, 10)]
    [InlineData(AutoPreset.Light, 6, 6, 10)]
    [InlineData(AutoPreset.Medium, 12, 12, 18)]
    [InlineData(AutoPreset.Heavy, 18, 18, 27)]
    public void Plan_Presets_AreDspys(AutoPreset? auto, int instructions, int sets, int trials)
    {
        Assert.Equal((instructions, sets, trials), MiproOptimizer.Plan(new MiproOptions { Auto = auto }, OptimizationBudget.Unlimited));
    }

    [Fact]
    public void Options_InvalidValues_OneMessage_AndRegistryBindsKebabKeys()
    {
        var ex = Assert.ThrowsAny<PromptOptInputException>(() => OptimizerRegistry.Create("mipro", new Dictionary<string, string> { ["minibatch-size"] = "0", ["trials"] = "0" }));
        Assert.Contains("MinibatchSize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Trials", ex.Message, StringComparison.Ordinal);
        var ok = Assert.IsType<MiproOptimizer>(OptimizerRegistry.Create("mipro", new Dictionary<string, string> { ["auto"] = "heavy", ["demo-style"] = "inline" }));
        Assert.Equal(DemoStyle.Inline, ok.Options.DemoStyle);
        Assert.Equal(AutoPreset.Heavy, ok.Options.Auto);
    }

    [Fact]
    public void WrongLabelDemo_IsAllowedInAPrompt_AndRendered()
    {
        var prompt = Prompt.FromInstruction("Add.") with { Demos = [new Demo("2 + 2 =", "5")] };

        Assert.Equal("5", prompt.Render("1 + 1 =")[1].Text); // demos are data: a wrong label is sent as written
    }
}
