using System.Text.RegularExpressions;
using PromptOpt.Data;
using PromptOpt.Prompts;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Simulation;

public class SimulatedOptimizerTests
{
    private readonly TaskDefinition _task = SimTestTasks.Arithmetic(200);

    [Fact]
    public async Task AnalyzeFailures_NamesMissingRequiredSkillsMostOfTheTime()
    {
        var world = new SimulatedWorld([_task], new SimOptions { Seed = 2 });
        var ops = new PromptOperations(world.CreateClient());
        var prompt = Prompt.FromInstruction("Compute the value of the expression. Answer with only the final answer, inside <answer></answer> tags.");
        int hits = 0, total = 0;
        foreach (var e in _task.Dataset.Test.Take(60))
        {
            var missing = world.GetRequiredSkills(_task.Name, e);
            if (missing.Count == 0)
            {
                continue;
            }

            var analysis = await ops.AnalyzeFailuresAsync(prompt, [new FailureCase(e.Input, "<answer>0</answer>", "0", e.Target)], PromptTarget.User, total);
            Assert.NotNull(analysis);
            total++;
            hits += missing.Any(s => s.IsActiveIn(analysis)) ? 1 : 0;
        }

        // 0.7 hits by design, plus random picks that happen to be right.
        Assert.InRange(hits / (double)total, 0.6, 0.95);
    }

    [Fact]
    public async Task AnalyzeFailures_SystemTarget_FavoursGenericSkills()
    {
        var other = SimTestTasks.Parity(150);
        var world = new SimulatedWorld([_task, other], new SimOptions { Seed = 4 });
        var ops = new PromptOperations(world.CreateClient());
        var pooled = _task.Dataset.Test.Take(2).Concat(other.Dataset.Test.Take(2)).Select(e => new FailureCase(e.Input, "x", "x", e.Target)).ToList();
        int generic = 0, total = 0;
        for (int i = 0; i < 60; i++)
        {
            var analysis = await ops.AnalyzeFailuresAsync(new Prompt(null, "{question}"), pooled, PromptTarget.System, i);
            foreach (var line in analysis!.Split('\n').Skip(1))
            {
                total++;
                generic += world.Options.GenericSkills.Any(g => g.IsActiveIn(line)) ? 1 : 0;
            }
        }

        Assert.Equal(240, total);
        Assert.InRange(generic / (double)total, 0.78, 0.95); // 0.7 + 0.3 * 4/(4 + task skills)
    }

    [Fact]
    public async Task GenerateFromAnalysis_AddsNamedSkillsAndKeepsPlaceholder()
    {
        var world = new SimulatedWorld([_task], new SimOptions { Seed = 2 });
        var ops = new PromptOperations(world.CreateClient());
        var analysis = "It should follow the order of operations, and answer with only the number.";
        int added = 0;
        for (int i = 0; i < 40; i++)
        {
            var candidate = await ops.GenerateFromAnalysisAsync(_task.OneLinePrompt, analysis, [], PromptTarget.User, i);
            Assert.NotNull(candidate);
            Assert.True(candidate.HasPlaceholder);
            var inspection = world.Inspect(candidate, _task.Name);
            added += (inspection.IsActive("order_of_operations") ? 1 : 0) + (inspection.FormatActive ? 1 : 0);
        }

        Assert.InRange(added / 80.0, 0.65, 0.95); // 0.8 each
    }

    [Fact]
    public async Task WriteInitialPrompt_IsSectionedAndActivatesFormatAndStepwise()
    {
        var world = new SimulatedWorld([_task], new SimOptions { Seed = 2 });
        var ops = new PromptOperations(world.CreateClient());
        int tips = 0;
        for (int i = 0; i < 30; i++)
        {
            var prompt = await ops.WriteInitialPromptAsync(_task.Dataset.Train.Skip(i).Take(5).ToList(), i);
            Assert.NotNull(prompt);
            var view = SentenceView.Parse(prompt.User);
            Assert.Equal(5, view.Sentences.Count(s => s.Text.StartsWith("## ", StringComparison.Ordinal) && !s.Editable));
            var inspection = world.Inspect(prompt, _task.Name);
            Assert.True(inspection.FormatActive);
            Assert.True(inspection.IsActive(SimCatalog.Stepwise));
            tips += inspection.Active.Any(a => a.Kind == SkillKind.Task) ? 1 : 0;
        }

        Assert.InRange(tips, 8, 24); // 0.5 by design (the default instruction carries no task trigger)
        var first = await ops.WriteInitialPromptAsync(_task.Dataset.Train.Take(5).ToList());
        Assert.True(world.ExpectedScore(first!, _task.Name, _task.Dataset.Test) > world.ExpectedScore(_task.OneLinePrompt, _task.Name, _task.Dataset.Test) + 0.15);
    }

    [Fact]
    public async Task RewriteSentence_OftenAddsDiagnosedSkill()
    {
        var world = new SimulatedWorld([_task], new SimOptions { Seed = 2 });
        var ops = new PromptOperations(world.CreateClient());
        var view = SentenceView.Parse("Compute the value. Think step by step.\n\n{question}");
        var failures = _task.Dataset.Test.Take(5).Select(e => new FailureCase(e.Input, "<answer>1</answer>", "1", e.Target)).ToList();
        int keptStepwise = 0, addedSkill = 0;
        for (int i = 0; i < 40; i++)
        {
            var sentence = await ops.RewriteSentenceAsync(view, 1, failures, i);
            Assert.NotNull(sentence);
            Assert.DoesNotContain("\n", sentence, StringComparison.Ordinal);
            keptStepwise += world.Options.GenericSkills.Single(s => s.Name == SimCatalog.Stepwise).IsActiveIn(sentence) ? 1 : 0;
            addedSkill += world.GetTaskSkills(_task.Name).Concat(world.Options.GenericSkills).Any(s => s.Name != SimCatalog.Stepwise && s.IsActiveIn(sentence)) ? 1 : 0;
        }

        Assert.InRange(keptStepwise, 24, 38); // 0.8
        Assert.InRange(addedSkill, 20, 36); // 0.7
    }

    [Fact]
    public async Task OtherOperations_AnswerInTheirTags()
    {
        var world = new SimulatedWorld([_task], new SimOptions { Seed = 2 });
        var ops = new PromptOperations(world.CreateClient());
        var failures = _task.Dataset.Test.Take(4).Select(e => new FailureCase(e.Input, "maybe", null, e.Target)).ToList();

        var induced = await ops.InduceInstructionAsync(_task.Dataset.Train.Take(5).ToList());
        var paraphrase = await ops.ParaphraseAsync(Prompt.FromInstruction(SimTestTasks.SkilledArithmeticInstruction));
        var proposals = await ops.ProposeFromHistoryAsync([new ScoredInstruction("Compute it.", 0.2), new ScoredInstruction("Compute it. Think step by step.", 0.5)], _task.Dataset.Train.Take(3).ToList(), 8);
        var reasons = await ops.TextualGradientAsync(_task.OneLinePrompt, failures, 4);
        var edited = await ops.ApplyGradientAsync(_task.OneLinePrompt, failures, reasons[0]);
        var variants = await ops.GenerateVariantsAsync("You choose one of five slot machines each step.", VariantKind.TaskDescription, 5);

        Assert.NotNull(induced);
        Assert.NotEqual(SimTestTasks.SkilledArithmeticInstruction + "\n\n{question}", paraphrase!.User);
        Assert.Equal(8, proposals.Count);
        Assert.True(proposals.Count(p => p.Contains("step by step", StringComparison.OrdinalIgnoreCase)) >= 5, string.Join("\n", proposals));
        Assert.Equal(4, reasons.Count);
        Assert.True(edited!.HasPlaceholder);
        Assert.Equal(5, variants.Count);
        Assert.Contains(variants, v => AgentSkills.Read(v) is var s && new[] { s.Explore, s.Exploit, s.Reasoning, s.Statistics, s.Refine, s.Diverse }.Max() >= 0.5);
        Assert.Equal(0, ops.DropCount);
    }

    [Fact]
    public async Task OptimizerReplies_NeverContainFailureTargets()
    {
        var task = SimTestTasks.Undeclared();
        var world = new SimulatedWorld([task], new SimOptions { Seed = 9 });
        var recorder = new RecordingChatClient(world.CreateClient());
        var ops = new PromptOperations(recorder);
        Assert.Equal(3, world.GetTaskSkills(task.Name).Count);
        var failures = task.Dataset.Test.Take(6).Select(e => new FailureCase(e.Input, "unsure", null, e.Target)).ToList();
        for (int i = 0; i < 10; i++)
        {
            var analysis = await ops.AnalyzeFailuresAsync(task.OneLinePrompt, failures, PromptTarget.User, i);
            await ops.GenerateFromAnalysisAsync(task.OneLinePrompt, analysis!, failures, PromptTarget.User, i);
            await ops.TextualGradientAsync(task.OneLinePrompt, failures, 3, i);
            await ops.RewriteSentenceAsync(SentenceView.Parse(task.OneLinePrompt.User), 0, failures, i);
        }

        var targets = failures.Select(f => f.Expected).Distinct().ToList();
        Assert.All(recorder.Replies, reply => Assert.DoesNotContain(targets, t => Regex.IsMatch(reply, $@"\b{Regex.Escape(t)}\b", RegexOptions.IgnoreCase)));
    }
}
