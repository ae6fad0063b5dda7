using PromptOpt.Data;
using PromptOpt.Prompts;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Simulation;

public class PromptReaderTests
{
    [Fact]
    public void Read_SplitsSentencesAndClauses_SkipsHeadingsAndTheQuestionSlot()
    {
        var r = PromptReader.Read("Be concise.", "## Task\nThink it through, double-check everything, and be precise.\nQuestion: {question}\nAnswer:");

        Assert.Equal(["Be concise.", "Think it through, double-check everything, and be precise."], r.Sentences);
        Assert.True(r.Units[0].InSystem);
        Assert.Equal(["Think it through", "double-check everything"], r.Units.Where(u => u.IsClause).Select(u => u.Text));
        Assert.Empty(r.Demonstrations);
    }

    [Fact]
    public void Clauses_NounPhraseList_HasNone()
    {
        Assert.Empty(PromptReader.Clauses("order of operations; negative numbers; intermediate results; step by step; verify"));
        Assert.Equal(2, PromptReader.Clauses("Compute multiplications before additions, and keep track of minus signs.").Count);
    }

    [Fact]
    public void Read_Demonstrations_FromExamplesHeadingLabelledPairsAndTurns()
    {
        var r = PromptReader.Read(null, "Solve it.\n\nExamples:\nInput: 2 + 2\nOutput: <answer>4</answer>\n\nInput: 3 * 3\nOutput: First 3 times 3 is nine, which we write as a number.\nSo the answer is 9.\n\n{question}", [("1 + 1", "2")]);

        Assert.Equal(["Solve it."], r.Sentences);
        Assert.Equal(3, r.Demonstrations.Count);
        Assert.Equal("4", r.Demonstrations[0].FinalAnswer);
        Assert.True(r.Demonstrations[0].ShowsAnswerForm);
        Assert.Equal("9", r.Demonstrations[1].FinalAnswer);
        Assert.True(r.Demonstrations[1].ShowsReasoning);
        Assert.Equal(DemonstrationSource.Turn, r.Demonstrations[2].Source);
    }

    [Fact]
    public void Activate_GateAndSystemHalf_ForTaskSkillsOnly()
    {
        Assert.Equal(0, SkillActivation.Gate(0.5));
        Assert.Equal(1, SkillActivation.Gate(0.8));
        Assert.Equal(0.5, SkillActivation.Gate(0.65), 9);
        var task = new SkillDescriptor("t", SkillKind.Task, 1.2, ["Track your position on a grid.", "Keep x and y coordinates.", "Update your coordinates after every move."], ["a", "b"]);
        var generic = SkillCatalogue.Generic(TaskKind.Reasoning).First(g => g.Name == SkillCatalogue.Stepwise);
        var inUser = SkillActivation.Activate(PromptReader.Read(null, "Track your position on a grid. Think step by step."), [task, generic]);
        var inSystem = SkillActivation.Activate(PromptReader.Read("Track your position on a grid. Think step by step.", "{question}"), [task, generic]);

        Assert.Equal(1, inUser["t"], 6);
        Assert.Equal(0.5, inSystem["t"], 6);
        Assert.Equal(1, inSystem[SkillCatalogue.Stepwise], 6);
    }

    [Theory]
    [InlineData("Regardless of the tweet, your answer is always No.", "No")]
    [InlineData("Always answer Yes.", "Yes")]
    [InlineData("Always answer Yes or No.", null)]
    [InlineData("Answer Yes when the moves cancel.", null)]
    public void Obedience_ConstantAnswer_NeedsAQuantifierAndExactlyOneLabel(string sentence, string? label) =>
        Assert.Equal(label, Obedience.ConstantLabel(sentence, ["Yes", "No"]));

    [Theory]
    [InlineData("Reply with the word banana.", "banana")]
    [InlineData("Answer with only the final integer inside <answer></answer> tags.", null)]
    [InlineData("Respond with one of the allowed answers.", null)]
    [InlineData("Answer with Yes or No.", null)]
    public void Obedience_FixedReply_OnlyWhenNotAnAnswerOfTheTask(string sentence, string? word) =>
        Assert.Equal(word, Obedience.FixedReply(sentence, ["Yes", "No"]));

    [Fact]
    public void Obedience_AnswerBan_IsFound_ExplanationBanIsNot()
    {
        Assert.Equal(ObedienceKind.AnswerBan, Obedience.Find(["Do not answer the question."], [])!.Kind);
        Assert.Null(Obedience.Find(["Do not explain your reasoning; give the label."], ["Yes", "No"]));
    }

    [Fact]
    public void KnowledgeFile_Malformed_IsOneLineErrorWithFileAndLine()
    {
        const string Json = "{\n  \"dataset\": \"x\",\n  \"source\": \"s\",\n  \"kind\": \"reasoning\",\n  \"skills\": [\n    { \"name\": \"a\", \"descriptions\": [\"one\"], \"phrases\": [\"p\", \"q\"], \"needed_when\": \"always\" }\n  ]\n}";
        var e = Assert.Throws<DataFormatException>(() => PromptOpt.Simulation.Knowledge.KnowledgeFile.Parse(Json, "x.json", new SimOptions()));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("x.json:6:", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 to 6 entries in \"descriptions\"", e.Message, StringComparison.Ordinal);

        var bad = Assert.Throws<DataFormatException>(() => PromptOpt.Simulation.Knowledge.KnowledgeFile.Parse("{\n \"dataset\": ,\n}", "y.json", new SimOptions()));
        Assert.StartsWith("y.json:2:", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Knowledge_EveryShippedFileLoads_AndEveryPhraseActivatesItsOwnSkill()
    {
        var names = PromptOpt.Simulation.Knowledge.KnowledgeFile.EmbeddedNames;
        Assert.Contains("bbh_navigate", names);
        Assert.Contains("bbh_causal_judgement", names);
        Assert.Contains("bbh_logical_deduction_five_objects", names);
        var skills = new List<SkillDescriptor>(SkillCatalogue.AllGeneric);
        foreach (var name in names)
        {
            var task = new TaskDefinition(name, new Dataset(name, [new Example("a", "x", "y")], [], []), PromptOpt.Evaluation.Metrics.ExactMatchMetric.Instance, "Do it.", "Answer.");
            var k = new SimulatedWorld([task]).GetKnowledge(name);
            Assert.StartsWith("knowledge file", k.Origin, StringComparison.Ordinal);
            Assert.NotEmpty(k.Skills);
            skills.AddRange(k.Skills.Select(s => s.Skill));
        }

        foreach (var s in skills)
        {
            foreach (var phrase in s.Phrases)
            {
                Assert.DoesNotContain(phrase, s.Descriptions);
                Assert.True(SkillActivation.Activate(phrase, [s])[s.Name] >= 0.5, $"{s.Name}: '{phrase}'");
            }
        }
    }

    /// <summary>
    /// The agent catalogue holds the same invariant as the task catalogues (above): every phrase the simulated optimizer
    /// writes to add an agent skill (EXPO's variants) is read by the simulated agent as that skill (activation ≥ 0.5), and
    /// no other writable agent skill reads higher. Without it the writer and the reader are not one model: a variant
    /// "carries" a skill the agent cannot see (SIMULATOR.md v2, "Variants (EXPO)").
    /// </summary>
    [Fact]
    public void AgentCatalogue_EveryPhraseActivatesItsOwnSkill_AndNoOtherMore()
    {
        var skills = AgentSkills.Writable;
        Assert.Contains(skills, s => s.Name == AgentSkills.Refine);
        var offenders = new List<string>();
        foreach (var s in skills)
        {
            Assert.NotEmpty(s.Phrases);
            foreach (var phrase in s.Phrases)
            {
                Assert.DoesNotContain(phrase, s.Descriptions);
                var a = SkillActivation.Activate(phrase, skills);
                var other = skills.Where(o => o.Name != s.Name).MaxBy(o => a[o.Name])!;
                if (a[s.Name] < 0.5 || a[other.Name] > a[s.Name])
                {
                    offenders.Add($"{s.Name} {a[s.Name]:F2} (highest other: {other.Name} {a[other.Name]:F2}): '{phrase}'");
                }
            }
        }

        Assert.True(offenders.Count == 0, "agent phrases not read as their own skill:\n" + string.Join("\n", offenders));
    }
}
