using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Simulation;

/// <summary>The simulator answers GEPA's and MIPRO's operations through the shared models, no more generously than their twins.</summary>
public class GepaMiproOperationsTests
{
    private const int Samples = 200;

    [Fact]
    public async Task ReflectComponent_AddsNeededSkillsNoMoreOftenThanProTeGisGradientThenEdit()
    {
        var task = BuiltInTasks.Create("multistep_arithmetic", 11, trainSize: 40, testSize: 10);
        var world = SimulatorModels.CreateWorld([task]);
        var rig = new SimRig(world);
        var ops = new PromptOperations(rig.CreateModel(ModelRoles.Optimizer));
        var prompt = task.OneLinePrompt;
        var eval = await Evaluator.EvaluateAsync(rig.CreateModel(ModelRoles.Task), prompt, task.Dataset.Train.Take(3).ToList(), task.Metric);
        var cases = eval.Results.Select(FeedbackCase.From).ToList();
        var failures = FailureCase.FromResults(eval.Results);
        Assert.NotEmpty(failures); // seed fixed before looking: the one-liner fails some of these three
        int before = world.Analyze(prompt, task.Name).ActiveSkills;

        int reflectGains = 0, gradientGains = 0;
        for (int i = 0; i < Samples; i++)
        {
            var reflected = await ops.ReflectComponentAsync(prompt, PromptTarget.User, cases, i);
            Assert.NotNull(reflected);
            Assert.True(reflected.HasPlaceholder);
            reflectGains += world.Analyze(reflected, task.Name).ActiveSkills > before ? 1 : 0;

            var reason = (await ops.TextualGradientAsync(prompt, failures, 1, i)).Single();
            var edited = await ops.ApplyGradientAsync(prompt, failures, reason, i);
            gradientGains += edited is not null && world.Analyze(edited, task.Name).ActiveSkills > before ? 1 : 0;
        }

        // Two binomial standard errors of the difference as the margin. Observed (seed 11, 200 samples): reflection 0.825,
        // gradient + edit 0.840, s.e. 0.037 — the same diagnosis and writer, as SIMULATOR.md asks.
        double p1 = reflectGains / (double)Samples, p2 = gradientGains / (double)Samples;
        double se = Math.Sqrt((p1 * (1 - p1) / Samples) + (p2 * (1 - p2) / Samples));
        Assert.True(p1 > 0, "reflection never helps");
        Assert.True(p1 <= p2 + (2 * se), $"reflection gains {p1:0.000} vs gradient + edit {p2:0.000} (± {se:0.000})");
    }

    [Fact]
    public async Task SummaryAndProposal_AreAnsweredInTheirTags_AndTheSystemReflectionKeepsNoPlaceholder()
    {
        var task = BuiltInTasks.Create("navigate", 11, trainSize: 40, testSize: 10);
        var rig = new SimRig(SimulatorModels.CreateWorld([task]));
        var ops = new PromptOperations(rig.CreateModel(ModelRoles.Optimizer));
        var sample = task.Dataset.Train.Take(5).ToList();

        var summary = await ops.SummarizeDataAsync(sample);
        var instruction = await ops.ProposeInstructionAsync(summary ?? string.Empty, [new Demo(sample[0].Input, sample[0].Target)], task.DefaultInstruction, MiproTip);
        var eval = await Evaluator.EvaluateAsync(rig.CreateModel(ModelRoles.Task), task.OneLinePrompt, sample, task.Metric);
        var system = await ops.ReflectComponentAsync(task.OneLinePrompt, PromptTarget.System, eval.Results.Select(FeedbackCase.From).ToList());

        Assert.False(string.IsNullOrWhiteSpace(summary));
        Assert.False(string.IsNullOrWhiteSpace(instruction));
        Assert.NotNull(system);
        Assert.False(string.IsNullOrWhiteSpace(system.System));
        Assert.DoesNotContain(Prompt.QuestionPlaceholder, system.System, StringComparison.Ordinal);
        Assert.Equal(task.OneLinePrompt.User, system.User);
        Assert.Equal(0, ops.DropCount);
    }

    private const string MiproTip = "Keep the instruction clear and concise.";
}
