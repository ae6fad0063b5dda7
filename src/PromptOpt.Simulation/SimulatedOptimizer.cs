using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Prompts;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Simulation;

/// <summary>
/// The optimizer role (SIMULATOR.md, "Optimizer role: the operations"). Each operation reads its structured arguments
/// from <c>promptopt.op</c> and answers in the tag the real template asks for, so replies go through the same parser
/// as a real model's. The "diagnosis" signal is the failures' inputs: the simulator looks their examples up in the
/// answer key to see which required skills the prompt lacks. Replies never contain target answers. All draws come from
/// hash(seed, operation JSON, sample index), so the same call gives the same reply.
/// </summary>
internal static partial class SimulatedOptimizer
{
    public const string UnknownReply = "I am not sure what you would like me to do with this request.";

    public static string Respond(SimulatedWorld world, LlmOperation op, int sampleIndex)
    {
        var json = op.ToJson();
        var ctx = new Context(world, op.Args, StableHash.Rng(world.Seed, "optimizer", json, sampleIndex),
            StableHash.Uniform(world.Seed, "missing-tag", json, sampleIndex) < world.Options.MissingTagRate);
        return op.Name switch
        {
            OperationNames.AnalyzeFailures => AnalyzeFailures(ctx),
            OperationNames.GenerateFromAnalysis => GenerateFromAnalysis(ctx),
            OperationNames.RewriteSentence => RewriteSentence(ctx),
            OperationNames.WriteInitialPrompt => WriteInitialPrompt(ctx),
            OperationNames.InduceInstruction => InduceInstruction(ctx),
            OperationNames.Paraphrase => Paraphrase(ctx),
            OperationNames.ProposeFromHistory => ProposeFromHistory(ctx),
            OperationNames.TextualGradient => TextualGradient(ctx),
            OperationNames.ApplyGradient => ApplyGradient(ctx),
            OperationNames.GenerateVariants => GenerateVariants(ctx),
            _ => UnknownReply,
        };
    }

    private static string AnalyzeFailures(Context c)
    {
        var prompt = OperationArgs.ToPrompt(c.Args[K.Prompt]) ?? new Prompt(null, string.Empty);
        var target = c.Target;
        var failures = c.Failures;
        var lines = new List<string>
        {
            target == PromptTarget.System
                ? "The shared system prompt leaves out general guidance these failures have in common."
                : "The prompt leaves out guidance the model needed on these examples.",
        };
        for (int i = 0; i < failures.Count; i++)
        {
            var skill = c.Diagnose(failures[i], prompt.System, prompt.User, target, c.Options.AnalyzeHitRate);
            lines.Add($"Example {i + 1}: an instruction such as \"{SimText.Phrase(skill, c.Rng)}\" would have helped.");
        }

        if (failures.Count == 0)
        {
            lines.Add("No failures were given, so there is nothing specific to fix.");
        }

        return c.Wrap("analysis", string.Join("\n", lines));
    }

    private static string GenerateFromAnalysis(Context c)
    {
        var prompt = OperationArgs.ToPrompt(c.Args[K.Prompt]) ?? new Prompt(null, Prompt.QuestionPlaceholder);
        var analysis = OperationArgs.Str(c.Args[K.Analysis]) ?? string.Empty;
        var named = c.PromptSkills.Where(s => s.IsActiveIn(analysis)).ToList();
        return c.Target switch
        {
            PromptTarget.System => c.Wrap("improved_system_prompt", c.Edit(prompt.System ?? string.Empty, named, isUser: false)),
            PromptTarget.Whole => c.Wrap("prompt", c.Edit(prompt.FullText, named, isUser: true)),
            _ => c.Wrap("improved_instruction_prompt", c.Edit(prompt.User, named, isUser: true)),
        };
    }

    private static string ApplyGradient(Context c)
    {
        var prompt = OperationArgs.ToPrompt(c.Args[K.Prompt]) ?? new Prompt(null, Prompt.QuestionPlaceholder);
        var gradient = OperationArgs.Str(c.Args[K.Analysis]) ?? string.Empty;
        var named = c.PromptSkills.Where(s => s.IsActiveIn(gradient)).ToList();
        return c.Wrap("prompt", c.Edit(prompt.User, named, isUser: true));
    }

    private static string RewriteSentence(Context c)
    {
        var text = OperationArgs.Str(c.Args[K.Text]) ?? string.Empty;
        var sentence = OperationArgs.Str(c.Args[K.Sentence]) ?? string.Empty;
        var skills = c.PromptSkills;
        var marker = SimText.ListMarkerOf(sentence);
        var active = skills.Where(s => s.IsActiveIn(sentence)).ToList();
        var kept = active.Where(_ => c.Rng.NextDouble() < c.Options.RewriteKeepTriggerRate).ToList();
        string result;
        if (kept.Count == active.Count)
        {
            result = SimText.ParaphraseSentence(sentence, c.Rng, 0, skills);
        }
        else
        {
            result = kept.Count == 0
                ? SimCatalog.NeutralSentences[c.Rng.Next(SimCatalog.NeutralSentences.Count)]
                : kept.Select(s => SimText.Phrase(s, c.Rng)).Aggregate(SimText.JoinClause);
            result = marker + result;
        }

        if (c.Rng.NextDouble() < c.Options.RewriteAddSkillRate
            && c.DiagnoseFromFailures(text) is { } skill && !skill.IsActiveIn(result))
        {
            result = SimText.JoinClause(result, SimText.Phrase(skill, c.Rng));
        }

        return c.Wrap("sentence", result);
    }

    private static string Paraphrase(Context c)
    {
        var prompt = OperationArgs.ToPrompt(c.Args[K.Prompt]) ?? new Prompt(null, Prompt.QuestionPlaceholder);
        var text = SimText.ParaphraseOne(prompt.User, c.Rng, c.Options.TriggerLossRate, c.PromptSkills);
        return c.Wrap("prompt", c.MaybeLosePlaceholder(text));
    }

    private static string TextualGradient(Context c)
    {
        var prompt = OperationArgs.ToPrompt(c.Args[K.Prompt]) ?? new Prompt(null, string.Empty);
        var failures = c.Failures;
        int count = Math.Clamp(OperationArgs.Int(c.Args[K.Count], 1), 1, 32);
        var reasons = new List<string>();
        for (int k = 0; k < count; k++)
        {
            var skill = failures.Count == 0
                ? c.RandomSkill(null)
                : c.Diagnose(failures[c.Rng.Next(failures.Count)], prompt.System, prompt.User, PromptTarget.User, c.Options.AnalyzeHitRate);
            reasons.Add(c.Wrap("reason", $"The prompt does not tell the model what these inputs need; it should say something like \"{SimText.Phrase(skill, c.Rng)}\""));
        }

        return string.Join("\n\n", reasons);
    }

    /// <summary>
    /// EXPO's variant writer (SIMULATOR.md "Variants"): each variant is a paraphrase of the text that carries each agent
    /// skill (<see cref="AgentSkills.Writable"/>: explore, exploit, reasoning, statistics, refine, diverse, format) with
    /// probability <see cref="SimOptions.VariantAgentSkillRate"/>, written as a sentence from the skill's phrase bank when
    /// the text does not already activate it.
    /// </summary>
    private static string GenerateVariants(Context c)
    {
        var text = OperationArgs.Str(c.Args[K.Text]) ?? string.Empty;
        int count = Math.Clamp(OperationArgs.Int(c.Args[K.Count], 1), 1, 64);
        var all = c.Options.AgentSkills.Concat(c.Options.GenericSkills).ToList();
        var variants = new List<string>();
        for (int k = 0; k < count; k++)
        {
            var v = SimText.ParaphraseOne(text, c.Rng, c.Options.TriggerLossRate, all);
            foreach (var s in AgentSkills.Writable)
            {
                if (c.Rng.NextDouble() < c.Options.VariantAgentSkillRate && SkillActivation.Activate(v, [s], c.Options)[s.Name] < 0.5)
                {
                    v = SimText.Append(v, s.Phrases[c.Rng.Next(s.Phrases.Count)]);
                }
            }

            variants.Add(c.Wrap("variant", v));
        }

        return string.Join("\n\n", variants);
    }
}
