using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Prompts;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Simulation;

/// <summary>
/// The optimizer role (SIMULATOR.md v2, "Optimizer role"): each operation reads its structured arguments from
/// <c>promptopt.op</c>, asks the shared <see cref="DiagnosisModel"/> and <see cref="WriterModel"/>, and answers in the
/// tag the real template asks for, so replies go through the same parser as a real model's. What is written comes from
/// the request's own text, the diagnosis, or understanding demonstrations — never from an operation's name. Replies
/// never contain target answers. All draws come from hash(seed, operation JSON, sample index).
/// </summary>
internal static partial class SimulatedOptimizer
{
    public const string UnknownReply = "I am not sure what you would like me to do with this request.";

    public static string Respond(SimulatedWorld world, LlmOperation op, string requestText, int sampleIndex)
    {
        var json = op.ToJson();
        var c = new Call(world, op.Name, op.Args, requestText, StableHash.Rng(world.Seed, "optimizer", json, sampleIndex),
            StableHash.Uniform(world.Seed, "missing-tag", json, sampleIndex) < world.Options.MissingTagRate);
        return op.Name switch
        {
            OperationNames.AnalyzeFailures => AnalyzeFailures(c),
            OperationNames.TextualGradient => TextualGradient(c),
            OperationNames.GenerateFromAnalysis => WriteFromAnalysis(c, OperationArgs.Str(c.Args[K.Analysis])),
            OperationNames.ApplyGradient => WriteFromAnalysis(c, OperationArgs.Str(c.Args[K.Analysis])),
            OperationNames.RewriteSentence => RewriteSentence(c),
            OperationNames.WriteInitialPrompt => WriteInitialPrompt(c),
            OperationNames.InduceInstruction => InduceInstruction(c),
            OperationNames.Paraphrase => Paraphrase(c),
            OperationNames.ProposeFromHistory => ProposeFromHistory(c),
            OperationNames.GenerateVariants => GenerateVariants(c),
            OperationNames.ReflectComponent => ReflectComponent(c),
            OperationNames.SummarizeData => SummarizeData(c),
            OperationNames.ProposeInstruction => ProposeInstruction(c),
            _ => UnknownReply,
        };
    }

    /// <summary>One sentence naming a diagnosed skill, in the analysis style of a real model.</summary>
    internal static string NameSkill(WriterModel writer, SkillDescriptor skill, Random rng) =>
        $"an instruction such as \"{writer.Render(skill, rng)}\" would have helped.";

    private static string AnalyzeFailures(Call c)
    {
        var prompt = c.PromptOr(string.Empty);
        var lines = new List<string>
        {
            c.Target == PromptTarget.System
                ? "The shared system prompt leaves out general guidance these failures have in common."
                : "The prompt leaves out guidance the model needed on these examples.",
        };
        var failures = c.Failures;
        for (int i = 0; i < failures.Count; i++)
        {
            var skill = c.World.Diagnosis.Diagnose(failures[i], prompt, c.Rng);
            lines.Add($"Example {i + 1}: " + NameSkill(c.World.Writer, skill, c.Rng));
        }

        if (failures.Count == 0)
        {
            lines.Add("No failures were given, so there is nothing specific to fix.");
        }

        return c.Wrap("analysis", string.Join("\n", lines));
    }

    private static string TextualGradient(Call c)
    {
        var prompt = c.PromptOr(string.Empty);
        var failures = c.Failures;
        int count = Math.Clamp(OperationArgs.Int(c.Args[K.Count], 1), 1, 32);
        var reasons = new List<string>();
        for (int k = 0; k < count; k++)
        {
            var skill = failures.Count == 0
                ? DiagnosisModel.Catalogue(null)[c.Rng.Next(DiagnosisModel.Catalogue(null).Count)]
                : c.World.Diagnosis.Diagnose(failures[k % failures.Count], prompt, c.Rng);
            reasons.Add(c.Wrap("reason", "The prompt does not tell the model what these inputs need; " + NameSkill(c.World.Writer, skill, c.Rng)));
        }

        return string.Join("\n\n", reasons);
    }

    /// <summary>generate_from_analysis and apply_gradient: keep the prompt, write each skill the analysis names, then the harmful draw.</summary>
    private static string WriteFromAnalysis(Call c, string? analysis)
    {
        var prompt = c.PromptOr(Prompt.QuestionPlaceholder);
        var task = c.TaskOf(c.Failures.Select(f => f.Input));
        var named = c.World.Writer.SkillsNamedIn(analysis ?? string.Empty, c.World.OptimizerCatalogue(task));
        string Write(string text) => c.World.Writer.Finish(c.World.Writer.AddSkills(text, named, c.Rng), task, c.Rng);
        return c.Op switch
        {
            OperationNames.ApplyGradient => c.Wrap("prompt", c.MaybeLosePlaceholder(Write(prompt.User))),
            _ => c.Target switch
            {
                PromptTarget.System => c.Wrap("improved_system_prompt", Write(prompt.System ?? string.Empty)),
                PromptTarget.Whole => c.Wrap("prompt", c.MaybeLosePlaceholder(Write(prompt.FullText))),
                _ => c.Wrap("improved_instruction_prompt", c.MaybeLosePlaceholder(Write(prompt.User))),
            },
        };
    }

    /// <summary>
    /// Dual-Phase sentence rewrite: the sentence keeps its meaning (verbatim, or re-rendered from its own skill when the
    /// diagnosis adds nothing new) and gains the pooled diagnosis as a clause when the prompt lacks it.
    /// </summary>
    private static string RewriteSentence(Call c)
    {
        var text = OperationArgs.Str(c.Args[K.Text]) ?? string.Empty;
        var sentence = OperationArgs.Str(c.Args[K.Sentence]) ?? string.Empty;
        var task = c.TaskOf(c.Failures.Select(f => f.Input));
        var catalogue = c.World.OptimizerCatalogue(task);
        var prompt = new Prompt(null, text.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal) ? text : text + "\n\n" + Prompt.QuestionPlaceholder);
        var skill = c.World.Diagnosis.DiagnosePooled(c.Failures, prompt, c.Rng);
        string result;
        if (skill is not null && c.World.Writer.Read(text, [skill])[skill.Name] < 0.5)
        {
            var marker = SimText.ListMarkerOf(sentence);
            result = marker + SimText.JoinClause(sentence[marker.Length..], c.World.Writer.Render(skill, c.Rng));
        }
        else
        {
            result = c.World.Writer.Paraphrase(sentence, catalogue, c.Rng);
        }

        return c.Wrap("sentence", c.World.Writer.Finish(result, task, c.Rng));
    }

    /// <summary>
    /// Dual-Phase phase 1: one section per skeleton name. What the request's text asks for is written (an output-format
    /// section → format, a reasoning section → stepwise); the task is stated from the demos (framing); the understood
    /// task skills go under tips when asked for, else into the description.
    /// </summary>
    private static string WriteInitialPrompt(Call c)
    {
        var demos = OperationArgs.ToDemos(c.Args[K.Demos]);
        var skeleton = c.Args[K.Skeleton] is JsonArray a && a.Count > 0
            ? a.Select(n => OperationArgs.Str(n) ?? string.Empty).ToList()
            : [.. OperationPrompts.InitialSkeleton];
        var task = c.TaskOf(demos.Select(d => d.Input));
        var writer = c.World.Writer;
        var asks = WriterModel.Asks(c.RequestText);
        var understood = writer.Understand(task, c.Rng);
        var generic = DiagnosisModel.Catalogue(task);
        SkillDescriptor? Generic(string name) => generic.FirstOrDefault(g => g.Name == name);
        var sections = skeleton.Select(name => (Name: name, Lines: new List<string>())).ToList();
        List<string> Section(params string[] keys) =>
            sections.FirstOrDefault(s => keys.Any(k => s.Name.Contains(k, StringComparison.OrdinalIgnoreCase))).Lines ?? sections[^1].Lines;

        Section("desc", "task").Add(task is null ? "Study the input and produce an output of the same form as in the examples." : writer.Render(task.Knowledge.Framing, c.Rng));
        if (sections.FirstOrDefault(s => s.Name.Contains("type", StringComparison.OrdinalIgnoreCase)).Lines is { } type)
        {
            type.Add($"This is a {KindOf(demos)} task.");
        }

        if (asks.Format && Generic(SkillCatalogue.Format) is { } format)
        {
            Section("format").Add(writer.Render(format, c.Rng));
        }

        if (asks.Stepwise && Generic(SkillCatalogue.Stepwise) is { } stepwise)
        {
            Section("reason", "step").Add("1. " + writer.Render(stepwise, c.Rng) + "\n2. State the final answer.");
        }

        var tips = asks.Tips ? Section("tip", "rule", "advice") : Section("desc", "task");
        foreach (var s in understood)
        {
            tips.Add((asks.Tips ? "- " : string.Empty) + writer.Render(s, c.Rng));
        }

        var text = string.Join("\n\n", sections.Select(s => "## " + s.Name + "\n" + (s.Lines.Count == 0 ? "Follow the examples." : string.Join("\n", s.Lines))));
        return c.Wrap("prompt", writer.Finish(text, task, c.Rng));
    }

    /// <summary>APE induction: the task stated from the demos (framing), plus the understood task skills.</summary>
    private static string InduceInstruction(Call c)
    {
        var demos = OperationArgs.ToDemos(c.Args[K.Demos]);
        var task = c.TaskOf(demos.Select(d => d.Input));
        var writer = c.World.Writer;
        var understood = writer.Understand(task, c.Rng);
        var parts = new List<string> { task is null ? "Read the input and give the correct output." : writer.Render(task.Knowledge.Framing, c.Rng) };
        parts.AddRange(understood.Select(s => writer.Render(s, c.Rng)));
        var asks = WriterModel.Asks(c.RequestText);
        if (asks.Format && DiagnosisModel.Catalogue(task).FirstOrDefault(g => g.Name == SkillCatalogue.Format) is { } format)
        {
            parts.Add(writer.Render(format, c.Rng));
        }

        return c.Wrap("instruction", writer.Finish(string.Join(" ", parts), task, c.Rng));
    }

    private static string Paraphrase(Call c)
    {
        var prompt = c.PromptOr(Prompt.QuestionPlaceholder);
        var text = c.World.Writer.Paraphrase(prompt.User, c.World.OptimizerCatalogue(null), c.Rng);
        return c.Wrap("prompt", c.MaybeLosePlaceholder(text));
    }

    /// <summary>
    /// OPRO: start from the best instruction; keep the skills common to the best half of the history verbatim (adding
    /// any the start lacks), add one understood skill with probability <see cref="SimOptions.HistoryAddSkillRate"/>,
    /// paraphrase the rest, then the harmful draw.
    /// </summary>
    private static string ProposeFromHistory(Call c)
    {
        var history = OperationArgs.ToHistory(c.Args[K.History]);
        var demos = OperationArgs.ToDemos(c.Args[K.Demos]);
        int count = Math.Clamp(OperationArgs.Int(c.Args[K.Count], 1), 1, 64);
        var task = c.TaskOf(demos.Select(d => d.Input));
        var writer = c.World.Writer;
        var catalogue = c.World.OptimizerCatalogue(task);
        var best = history.Select((h, i) => (h, i)).OrderByDescending(x => x.h.Score).ThenByDescending(x => x.i)
            .Take(Math.Max(1, (history.Count + 1) / 2)).Select(x => x.h).ToList();
        var readings = best.Select(h => writer.Read(h.Instruction, catalogue)).ToList();
        var common = catalogue.Where(s => readings.Count > 0 && readings.Count(r => r[s.Name] >= 0.5) * 2 > readings.Count).ToList();
        var keep = common.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var blocks = new List<string>();
        for (int k = 0; k < count; k++)
        {
            var text = best.Count == 0
                ? task is null ? "Read the input and give the correct output." : writer.Render(task.Knowledge.Framing, c.Rng)
                : best[0].Instruction;
            text = writer.Paraphrase(text, catalogue, c.Rng, keep);
            text = writer.AddSkills(text, common, c.Rng);
            if (c.Rng.NextDouble() < c.Options.HistoryAddSkillRate && writer.Understand(task, c.Rng) is { Count: > 0 } understood)
            {
                text = writer.AddSkills(text, [understood[c.Rng.Next(understood.Count)]], c.Rng);
            }

            blocks.Add(c.Wrap("instruction", writer.Finish(text, task, c.Rng)));
        }

        return string.Join("\n\n", blocks);
    }

    /// <summary>EXPO variants: the writer's <see cref="WriterModel.Variants"/> over the agent skills and format (<see cref="AgentSkills.Writable"/>).</summary>
    private static string GenerateVariants(Call c)
    {
        var text = OperationArgs.Str(c.Args[K.Text]) ?? string.Empty;
        int count = Math.Clamp(OperationArgs.Int(c.Args[K.Count], 1), 1, 64);
        var variants = c.World.Writer.Variants(text, AgentSkills.Writable, count, c.Rng);
        return string.Join("\n\n", variants.Select(v => c.Wrap("variant", v)));
    }

    private static string KindOf(IReadOnlyList<(string Input, string Output)> demos)
    {
        if (demos.Count == 0)
        {
            return "question answering";
        }

        var outputs = demos.Select(d => d.Output.Trim()).ToList();
        if (outputs.All(o => o.Length is >= 3 and <= 4 && o[0] == '(' && o[^1] == ')'))
        {
            return "multiple-choice";
        }

        if (outputs.All(o => decimal.TryParse(o, NumberStyles.Number, CultureInfo.InvariantCulture, out _)))
        {
            return "numerical reasoning";
        }

        return outputs.Distinct(StringComparer.OrdinalIgnoreCase).Count() < outputs.Count && outputs.All(o => !o.Contains(' ', StringComparison.Ordinal))
            ? "classification"
            : "text generation";
    }

    /// <summary>The per-call context: arguments, request text and seeded draws.</summary>
    private sealed class Call(SimulatedWorld world, string op, JsonObject args, string requestText, Random rng, bool dropTag)
    {
        public SimulatedWorld World { get; } = world;

        public SimOptions Options => World.Options;

        public JsonObject Args { get; } = args;

        public string RequestText { get; } = requestText;

        public Random Rng { get; } = rng;

        public string Op { get; } = op;

        public PromptTarget Target => OperationArgs.Str(Args[K.Target]) switch
        {
            "system" => PromptTarget.System,
            "whole" => PromptTarget.Whole,
            _ => PromptTarget.User,
        };

        public IReadOnlyList<FailureCase> Failures =>
            OperationArgs.ToFailures(Args[K.Failures]).Take(Math.Max(1, Options.MaxFailuresRead)).ToList();

        public Prompt PromptOr(string emptyUser) =>
            OperationArgs.ToPrompt(Args[K.Prompt]) ?? (OperationArgs.Str(Args[K.Text]) is { } t ? new Prompts.Prompt(null, t) : new Prompts.Prompt(null, emptyUser));

        public SimTask? TaskOf(IEnumerable<string> inputs) =>
            inputs.Select(World.Lookup).FirstOrDefault(e => e is not null)?.Task;

        /// <summary>Wraps a reply in its tag (or, with <see cref="SimOptions.MissingTagRate"/>, forgets the tag).</summary>
        public string Wrap(string tag, string content) => dropTag ? content : $"<{tag}>\n{content}\n</{tag}>";

        public string MaybeLosePlaceholder(string text) =>
            Options.PlaceholderLossRate > 0 && Rng.NextDouble() < Options.PlaceholderLossRate
                ? text.Replace(Prompt.QuestionPlaceholder, string.Empty, StringComparison.Ordinal).TrimEnd()
                : text;
    }
}
