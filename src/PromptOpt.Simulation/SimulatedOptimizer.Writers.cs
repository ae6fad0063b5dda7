using System.Globalization;
using PromptOpt.Prompts;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Simulation;

/// <content>Operations that write a prompt from demos or history: initial prompt, induction, OPRO proposals.</content>
internal static partial class SimulatedOptimizer
{
    private static readonly string[] InducedBases =
    [
        "Read the input and give the correct output.",
        "Produce the output that corresponds to the given input.",
        "Determine the right result for the input.",
    ];

    /// <summary>
    /// Dual-Phase phase 1: a sectioned prompt. Sections are recognised by name: one naming "format" states the answer
    /// format (activates <c>format</c>), one naming "reason" lists steps (activates <c>stepwise</c>), one naming "tip"
    /// gives one task skill with <see cref="SimOptions.InitialTipSkillRate"/>, else a neutral tip.
    /// </summary>
    private static string WriteInitialPrompt(Context c)
    {
        var demos = OperationArgs.ToDemos(c.Args[K.Demos]);
        var skeleton = c.Args[K.Skeleton] is System.Text.Json.Nodes.JsonArray a && a.Count > 0
            ? a.Select(n => OperationArgs.Str(n) ?? string.Empty).ToList()
            : [.. OperationPrompts.InitialSkeleton];
        var task = c.TaskOf(demos.Select(d => d.Input));
        var sections = new List<string>();
        foreach (var name in skeleton)
        {
            var lower = name.ToLowerInvariant();
            string body;
            if (lower.Contains("format", StringComparison.Ordinal))
            {
                body = SimText.Phrase(c.Generic(SimCatalog.Format), c.Rng);
            }
            else if (lower.Contains("reason", StringComparison.Ordinal))
            {
                body = "1. Read the input and identify what is being asked.\n2. " + SimText.Phrase(c.Generic(SimCatalog.Stepwise), c.Rng) + "\n3. State the final answer.";
            }
            else if (lower.Contains("tip", StringComparison.Ordinal))
            {
                body = task is { Skills.Count: > 0 } && c.Rng.NextDouble() < c.Options.InitialTipSkillRate
                    ? "- " + SimText.Phrase(task.Skills[c.Rng.Next(task.Skills.Count)], c.Rng)
                    : "- Stay consistent with the examples you were shown.";
            }
            else if (lower.Contains("type", StringComparison.Ordinal))
            {
                body = $"This is a {KindOf(demos)} task.";
            }
            else if (lower.Contains("desc", StringComparison.Ordinal))
            {
                body = (task is null ? string.Empty : task.Definition.DefaultInstruction.Trim() + " ")
                    + "Study the input and produce an output of the same form as in the examples.";
            }
            else
            {
                body = "Follow the examples.";
            }

            sections.Add("## " + name + "\n" + body);
        }

        return c.Wrap("prompt", string.Join("\n\n", sections));
    }

    /// <summary>APE induction: a base instruction (the task's own one-liner half the time when the demos are recognised), plus optional format and skill sentences.</summary>
    private static string InduceInstruction(Context c)
    {
        var demos = OperationArgs.ToDemos(c.Args[K.Demos]);
        var task = c.TaskOf(demos.Select(d => d.Input));
        var parts = new List<string>
        {
            task is not null && c.Rng.NextDouble() < 0.5 ? task.Definition.DefaultInstruction.Trim() : InducedBases[c.Rng.Next(InducedBases.Length)],
        };
        if (c.Rng.NextDouble() < c.Options.InduceFormatRate)
        {
            parts.Add(SimText.Phrase(c.Generic(SimCatalog.Format), c.Rng));
        }

        if (task is { Skills.Count: > 0 } && c.Rng.NextDouble() < c.Options.InduceSkillRate)
        {
            parts.Add(SimText.Phrase(task.Skills[c.Rng.Next(task.Skills.Count)], c.Rng));
        }

        var others = c.Options.GenericSkills.Where(g => g.Name != SimCatalog.Format).ToList();
        if (others.Count > 0 && c.Rng.NextDouble() < c.Options.InduceSkillRate)
        {
            parts.Add(SimText.Phrase(others[c.Rng.Next(others.Count)], c.Rng));
        }

        return c.Wrap("instruction", string.Join(" ", parts));
    }

    /// <summary>
    /// OPRO: each proposal starts from the best instruction (or another of the top <see cref="SimOptions.HistoryTopK"/>),
    /// adds each skill common to the best prompts with <see cref="SimOptions.AddSkillRate"/>, tries a new skill with
    /// <see cref="SimOptions.HistoryExploreRate"/>, then paraphrases and harms with the usual rates.
    /// </summary>
    private static string ProposeFromHistory(Context c)
    {
        var history = OperationArgs.ToHistory(c.Args[K.History]);
        var demos = OperationArgs.ToDemos(c.Args[K.Demos]);
        int count = Math.Clamp(OperationArgs.Int(c.Args[K.Count], 1), 1, 64);
        var task = c.TaskOf(demos.Select(d => d.Input));
        var top = history.Select((h, i) => (h, i)).OrderByDescending(x => x.h.Score).ThenByDescending(x => x.i)
            .Take(Math.Max(1, c.Options.HistoryTopK)).Select(x => x.h).ToList();
        var skills = c.PromptSkills;
        int quorum = (top.Count + 1) / 2;
        var common = skills.Where(s => top.Count(h => s.IsActiveIn(h.Instruction)) >= Math.Max(1, quorum)).ToList();
        var blocks = new List<string>();
        for (int k = 0; k < count; k++)
        {
            var text = top.Count == 0
                ? task?.Definition.DefaultInstruction.Trim() ?? InducedBases[0]
                : (c.Rng.NextDouble() < 0.7 ? top[0] : top[c.Rng.Next(top.Count)]).Instruction;
            foreach (var s in common)
            {
                if (!s.IsActiveIn(text) && c.Rng.NextDouble() < c.Options.AddSkillRate)
                {
                    text = SimText.AddSentence(text, SimText.Phrase(s, c.Rng));
                }
            }

            if (c.Rng.NextDouble() < c.Options.HistoryExploreRate)
            {
                var fresh = c.RandomSkill(task);
                if (!fresh.IsActiveIn(text))
                {
                    text = SimText.AddSentence(text, SimText.Phrase(fresh, c.Rng));
                }
            }

            text = c.ParaphraseAndHarm(text, isUser: text.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal));
            blocks.Add(c.Wrap("instruction", text));
        }

        return string.Join("\n\n", blocks);
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
}
