using PromptOpt.Data.BuiltIn;
using PromptOpt.Data;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Simulation;

public class CalibrationTests(ITestOutputHelper output)
{
    private static readonly Prompt OneLine = Prompt.FromInstruction("Compute the value of the expression.");
    private static readonly Prompt Skilled = Prompt.FromInstruction(SimTestTasks.SkilledArithmeticInstruction);

    [Fact]
    public async Task Score_SkilledVersusOneLinePrompt_MatchesFormulaWithinThreeStandardErrors()
    {
        // The built-in multistep_arithmetic task (300 test examples) with its own numeric metric.
        var task = BuiltInTasks.Create("multistep_arithmetic", seed: 1, trainSize: 100, testSize: 300);
        var world = new SimulatedWorld([task], new SimOptions { Seed = 11 });
        var client = world.CreateClient();
        var examples = task.Dataset.Test;
        var oneLine = task.OneLinePrompt;
        var skilled = Prompt.FromInstruction(
            "Evaluate the arithmetic expression. Follow the order of operations. Be careful with negative numbers. " +
            "Write down each intermediate result. Answer with only the final integer inside <answer></answer> tags.");

        var inspection = world.Inspect(skilled, task.Name);
        Assert.True(inspection.FormatActive);
        Assert.True(inspection.AsksForAnswerTags);
        Assert.All(task.Skills, s => Assert.True(inspection.IsActive(s.Name), s.Name));
        Assert.Empty(world.Inspect(oneLine, task.Name).Active);

        var (observedSkilled, expectedSkilled, seSkilled) = await MeasureAsync(world, client, task, skilled, examples);
        var (observedOne, expectedOne, seOne) = await MeasureAsync(world, client, task, oneLine, examples);

        output.WriteLine($"skilled {observedSkilled:F3} (expected {expectedSkilled:F3} ± {seSkilled:F3}); one-line {observedOne:F3} (expected {expectedOne:F3} ± {seOne:F3})");
        Assert.InRange(observedSkilled, expectedSkilled - (3 * seSkilled), expectedSkilled + (3 * seSkilled));
        Assert.InRange(observedOne, expectedOne - (3 * seOne), expectedOne + (3 * seOne));
        double predictedMargin = expectedSkilled - expectedOne;
        double seMargin = Math.Sqrt((seSkilled * seSkilled) + (seOne * seOne));
        Assert.True(predictedMargin > 0.3, $"predicted margin {predictedMargin:F3}");
        Assert.InRange(observedSkilled - observedOne, predictedMargin - (3 * seMargin), predictedMargin + (3 * seMargin));
    }

    [Fact]
    public async Task Score_OverLongOrContradictoryPrompt_ScoresLowerByThePenalty()
    {
        var task = SimTestTasks.Arithmetic(400);
        var world = new SimulatedWorld([task], new SimOptions { Seed = 5 });
        var client = world.CreateClient();
        var examples = task.Dataset.Test;
        var filler = string.Concat(Enumerable.Repeat("This sentence is here only to make the prompt longer than it needs to be. ", 40));
        var longPrompt = Prompt.FromInstruction(SimTestTasks.SkilledArithmeticInstruction + " " + filler);
        var contradictory = Prompt.FromInstruction(SimTestTasks.SkilledArithmeticInstruction + " Explain your reasoning in detail. Be brief. Be thorough.");

        var longInspection = world.Inspect(longPrompt, task.Name);
        Assert.True(longInspection.PromptTokens > 350);
        Assert.Equal(0.3 * (longInspection.PromptTokens - 350) / 100.0, longInspection.LengthPenalty, 9);
        var conflictInspection = world.Inspect(contradictory, task.Name);
        Assert.Equal(["detail_vs_only", "brief_vs_thorough"], conflictInspection.Conflicts);
        Assert.Equal(1.4, conflictInspection.ConflictPenalty, 9);

        var skilled = await SimEval.ScoreAsync(client, Skilled, examples);
        var tooLong = await SimEval.ScoreAsync(client, longPrompt, examples);
        var conflicted = await SimEval.ScoreAsync(client, contradictory, examples);

        output.WriteLine($"skilled {skilled:F3}, long {tooLong:F3}, contradictory {conflicted:F3}");
        Assert.True(world.ExpectedAccuracy(longPrompt, task.Name, examples) < world.ExpectedAccuracy(Skilled, task.Name, examples) - 0.05);
        Assert.True(tooLong < skilled - 0.05, $"long {tooLong:F3} vs {skilled:F3}");
        Assert.True(conflicted < skilled - 0.05, $"contradictory {conflicted:F3} vs {skilled:F3}");
    }

    [Fact]
    public void Explain_SystemOnlyTaskSkill_CountsHalfWay()
    {
        var task = SimTestTasks.Arithmetic(200);
        var world = new SimulatedWorld([task]);
        var example = task.Dataset.Test.First(e => world.GetRequiredSkills(task.Name, e).Any(s => s.Name == "order_of_operations"));
        double Term(Prompt p) => world.Explain(p, task.Name, example).Terms.Single(t => t.Name == "skill:order_of_operations").Value;

        Assert.Equal(1.2, Term(Prompt.FromInstruction("Follow the order of operations.")), 9);
        Assert.Equal(-0.6, Term(OneLine), 9);
        Assert.Equal((0.5 * 1.2) - (0.5 * 0.6), Term(OneLine with { System = "Follow the order of operations." }), 9);
    }

    [Fact]
    public void Explain_DifficultyAndRequiredSkills_AreStableAndDistributedAsDocumented()
    {
        var task = SimTestTasks.Arithmetic(400);
        var a = new SimulatedWorld([task], new SimOptions { Seed = 3 });
        var b = new SimulatedWorld([task], new SimOptions { Seed = 3 });
        var difficulties = task.Dataset.All.Select(e => a.Explain(OneLine, task.Name, e).Difficulty).ToList();

        Assert.Equal(difficulties, task.Dataset.All.Select(e => b.Explain(OneLine, task.Name, e).Difficulty));
        Assert.InRange(difficulties.Average(), -0.15, 0.15);
        Assert.InRange(Math.Sqrt(difficulties.Average(d => d * d)), 0.7, 0.9);
        double rate = task.Dataset.All.Average(e => a.GetRequiredSkills(task.Name, e).Any(s => s.Name == "order_of_operations") ? 1.0 : 0.0);
        Assert.InRange(rate, 0.52, 0.68);
    }

    private static async Task<(double Observed, double Expected, double Se)> MeasureAsync(
        SimulatedWorld world, Microsoft.Extensions.AI.IChatClient client, TaskDefinition task, Prompt prompt, IReadOnlyList<Example> examples)
    {
        var q = examples.Select(e => world.Explain(prompt, task.Name, e).ExpectedScore).ToList();
        var observed = await SimEval.ScoreAsync(client, prompt, examples, task.Metric);
        return (observed, q.Average(), SimEval.StandardError(q));
    }
}
