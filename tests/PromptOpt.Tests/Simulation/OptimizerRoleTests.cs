using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Models;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using Xunit.Abstractions;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Tests.Simulation;

/// <summary>The optimizer role is two shared models (SIMULATOR.md v2): the same inputs give the same insight to every operation.</summary>
public class OptimizerRoleTests(ITestOutputHelper output)
{
    private const int Calls = 240;
    private static readonly TaskDefinition Task = BuiltInTasks.Create("navigate", 3, 100, 300);
    private static readonly SimulatedWorld World = new([Task], new SimOptions { Seed = 9 });

    private static string Call(string op, JsonObject args, int i, string request = "") =>
        SimulatedOptimizer.Respond(World, new LlmOperation(op, args), request, i);

    private static FailureCase Failure(int i)
    {
        var e = Task.Dataset.Test[i % Task.Dataset.Test.Count];
        return new FailureCase(e.Input, "No", "No", e.Target);
    }

    /// <summary>The skill a reply names: the strongest skill of the task's catalogue that the text activates beyond <paramref name="before"/>.</summary>
    private static string? Named(string reply, string before = "")
    {
        var catalogue = World.GetKnowledge(Task.Name).All.Where(s => s.Kind is not SkillKind.Misconception && !s.Name.EndsWith(":a", StringComparison.Ordinal)).ToList();
        var had = World.Writer.SkillsNamedIn(before, catalogue).Select(s => s.Name).ToHashSet();
        return World.Writer.SkillsNamedIn(reply, catalogue).FirstOrDefault(s => !had.Contains(s.Name))?.Name;
    }

    [Fact]
    public void Diagnosis_EveryDiagnosingOperation_NamesANeededSkillAtTheSameRate()
    {
        var prompt = Task.OneLinePrompt;
        var rates = new Dictionary<string, double>();
        void Measure(string name, Func<int, FailureCase, string?> named)
        {
            int hits = 0;
            for (int i = 0; i < Calls; i++)
            {
                var failure = Failure(i);
                if (named(i, failure) is { } skill && World.Diagnosis.IsNeededAndLacking(failure, prompt, skill))
                {
                    hits++;
                }
            }

            rates[name] = hits / (double)Calls;
        }

        JsonObject Args(FailureCase failure, string target) => new()
        {
            [K.Prompt] = OperationArgs.FromPrompt(prompt),
            [K.Failures] = OperationArgs.FromFailures([failure]),
            [K.Target] = target,
            [K.Count] = 1,
        };
        Measure("analyze_failures", (i, fc) => Named(Call(OperationNames.AnalyzeFailures, Args(fc, "user"), i)));
        Measure("analyze_failures(system)", (i, fc) => Named(Call(OperationNames.AnalyzeFailures, Args(fc, "system"), i)));
        Measure("textual_gradient", (i, fc) => Named(Call(OperationNames.TextualGradient, Args(fc, "user"), i)));
        Measure("rewrite_sentence", (i, fc) =>
        {
            var sentence = Task.DefaultInstruction;
            var args = new JsonObject { [K.Text] = prompt.User, [K.Sentence] = sentence, [K.Index] = 0, [K.Failures] = OperationArgs.FromFailures([fc]) };
            return Named(Call(OperationNames.RewriteSentence, args, i), sentence);
        });

        foreach (var (name, rate) in rates)
        {
            output.WriteLine($"{name}: names a needed, lacking skill in {rate:P1}");
        }

        double mean = rates.Values.Average();
        double se = Math.Sqrt(mean * (1 - mean) / Calls);
        Assert.All(rates, r => Assert.InRange(r.Value, mean - (2 * Math.Sqrt(2) * se), mean + (2 * Math.Sqrt(2) * se)));
        Assert.InRange(mean, 0.6, 0.95); // 0.7 by diagnosis plus random picks that happen to be needed
    }

    [Fact]
    public void Understanding_InductionAndInitialPrompt_UnderstandTaskSkillsAtTheSameRate()
    {
        var skills = World.GetTaskSkills(Task.Name);
        double Rate(string op, Func<int, JsonObject> args, Func<string, string> text, string request)
        {
            int understood = 0;
            for (int i = 0; i < Calls; i++)
            {
                var reply = text(Call(op, args(i), i, request));
                understood += World.Writer.SkillsNamedIn(reply, skills).Count;
            }

            return understood / (double)(Calls * skills.Count);
        }

        JsonObject Demos(int i) => new() { [K.Demos] = OperationArgs.FromDemos(Task.Dataset.Train.Skip(i % 90).Take(5)) };
        double induce = Rate(OperationNames.InduceInstruction, Demos, r => r, OperationPrompts.InduceInstruction);
        double initial = Rate(OperationNames.WriteInitialPrompt, Demos, r => r, OperationPrompts.WriteInitialPrompt);
        output.WriteLine($"understood per task skill: induce {induce:F3}, initial prompt {initial:F3}");
        double se = Math.Sqrt(0.3 * 0.7 / (Calls * skills.Count));
        Assert.InRange(induce - initial, -2 * Math.Sqrt(2) * se, 2 * Math.Sqrt(2) * se);
        Assert.InRange(induce, 0.3 - (3 * se), 0.3 + (3 * se));
    }

    [Fact]
    public void Writer_WritesWhatTheRequestTextAsksFor_NotWhatSectionsAreCalled()
    {
        var demos = OperationArgs.FromDemos(Task.Dataset.Train.Take(5));
        var renamed = new JsonArray("Alpha", "Beta", "Gamma");
        var asked = Call(OperationNames.WriteInitialPrompt, new JsonObject { [K.Demos] = demos.DeepClone(), [K.Skeleton] = renamed.DeepClone() }, 0, "Write it with an output format line and the reasoning steps.");
        var notAsked = Call(OperationNames.WriteInitialPrompt, new JsonObject { [K.Demos] = demos.DeepClone(), [K.Skeleton] = new JsonArray("Output format and constraints", "Reasoning process") }, 0, "Write it.");
        var generic = World.GetKnowledge(Task.Name).Generic;

        Assert.Contains(World.Writer.SkillsNamedIn(asked, generic), s => s.Name == SkillCatalogue.Format);
        Assert.Contains(World.Writer.SkillsNamedIn(asked, generic), s => s.Name == SkillCatalogue.Stepwise);
        Assert.DoesNotContain(World.Writer.SkillsNamedIn(notAsked, generic), s => s.Name is SkillCatalogue.Format or SkillCatalogue.Stepwise);
    }

    [Fact]
    public void Writer_Paraphrase_KeepsEachSentencesSkill()
    {
        var prompt = RealismSuite.Of(RealismSuite.Procedures["navigate"], Task.AnswerFormat);
        var catalogue = World.GetKnowledge(Task.Name).All.Where(s => s.Kind != SkillKind.Misconception).ToList();
        var before = World.Analyze(prompt, Task.Name);
        for (int i = 0; i < 5; i++)
        {
            var paraphrase = prompt with { User = World.Writer.Paraphrase(prompt.User, catalogue, new Random(i)) };
            Assert.NotEqual(prompt.User, paraphrase.User);
            var after = World.Analyze(paraphrase, Task.Name);
            Assert.All(before.Levels.Where(l => l.Value >= 0.5 && !l.Key.Contains(':', StringComparison.Ordinal)), l => Assert.True(after.Level(l.Key) >= 0.5, $"{l.Key} lost in: {paraphrase.User}"));
            Assert.Contains(Prompt.QuestionPlaceholder, paraphrase.User, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Optimizer_Analysis_NamesSkillsWithoutQuotingTheFailures()
    {
        var failures = OperationArgs.FromFailures(Enumerable.Range(0, 5).Select(Failure));
        var reply = Call(OperationNames.AnalyzeFailures, new JsonObject { [K.Prompt] = OperationArgs.FromPrompt(Task.OneLinePrompt), [K.Failures] = failures }, 0);
        Assert.DoesNotContain(Task.Dataset.Test.Take(5), e => reply.Contains(e.Input, StringComparison.Ordinal));
    }
}
