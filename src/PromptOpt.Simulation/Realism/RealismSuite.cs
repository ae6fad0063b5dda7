using PromptOpt.Data;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>One prompt of the realism suite.</summary>
/// <param name="Name">The row name.</param>
/// <param name="Prompt">The prompt.</param>
public sealed record RealismPrompt(string Name, Prompt Prompt);

/// <summary>
/// The method-free prompts of SIMULATOR.md v2's realism suite (items 1–11), per task, shared by the realism tests and
/// <c>bench sim-realism</c>. Hand-written procedures exist for the tasks with knowledge; a task without one gets the
/// rows that need none. Calibration is against these orderings only, never a method's result.
/// </summary>
public static class RealismSuite
{
    /// <summary>The vague one-liner.</summary>
    public const string Vague = "Answer the question.";

    /// <summary>The generic pile: instructions that fit any task.</summary>
    public const string GenericPile = "Think step by step. Double-check your answer. Read the question carefully. Be precise and thorough.";

    /// <summary>The compound sentence of item 5.</summary>
    public const string Compound = "Think it through, double-check everything, and be precise.";

    /// <summary>The format-breaking instruction of item 3.</summary>
    public const string Banana = "Reply with the word banana.";

    /// <summary>Ten instructions irrelevant to every task (item 7).</summary>
    public static IReadOnlyList<string> Irrelevant { get; } =
    [
        "Write in a friendly, upbeat tone.",
        "Mention the weather in Paris if it comes up.",
        "Use British spelling throughout.",
        "Avoid talking about sports teams.",
        "Prefer metric units when quoting distances.",
        "Remember that the user enjoys poetry.",
        "Keep any lists in alphabetical order of colour.",
        "Greet the user politely at the start of a conversation.",
        "Cite a famous novel when it fits naturally.",
        "Treat the reader as a busy professional.",
    ];

    /// <summary>Hand-written, specific and correct procedures (as a person would write them), by task name.</summary>
    public static IReadOnlyDictionary<string, string> Procedures { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["multistep_arithmetic"] = "Evaluate the arithmetic expression. Work out each parenthesised group first, and inside a group do the multiplications before the additions and subtractions. Keep track of minus signs: subtracting a negative number means adding it. Write down the value of each group before you combine the groups.",
        ["navigate"] = "Decide whether following the instructions brings you back to the starting point. Keep your position as x and y coordinates, starting at zero, and update them after each step. Keep track of the direction you are facing, since every turn changes where the next steps go. At the end, check whether the steps in opposite directions cancel out so that both coordinates are zero.",
        ["bbh_navigate"] = "Decide whether following the instructions brings you back to the starting point. Keep your position as x and y coordinates, starting at zero, and update them after each step. Keep track of the direction you are facing, since every turn changes where the next steps go. At the end, check whether the steps in opposite directions cancel out so that both coordinates are zero.",
        ["bbh_causal_judgement"] = "Read the story and answer the causation question the way a typical person would. Ask whether the outcome would still have happened without the event in question. Consider whether the person acted on purpose or only foresaw a side effect. Notice whether someone broke a rule or went against what was expected, because people tend to blame that person. Treat failing to act as a weaker cause than actively doing something.",
        ["boolean_expressions"] = "Evaluate the Boolean expression and say whether it is True or False. Start with the innermost parentheses and work outwards. Apply not first, then and, then or. Remember that two nots in a row cancel each other.",
        ["bbh_logical_deduction_five_objects"] = "Use the clues to work out the order of the five objects, then pick the option that is true. Lay out five positions and place each object where the clues put it. Turn phrases like third from the left or second-newest into exact positions. Combine the comparisons between pairs of objects. Finally check every option against the order you found.",
    };

    /// <summary>Misconceptions written as a person would (item 6), one-liners like the vague one, by task name.</summary>
    public static IReadOnlyDictionary<string, string> WrongProcedures { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["multistep_arithmetic"] = "Apply each operator strictly from left to right, as you reach it.",
        ["navigate"] = "Every step moves you forward in the direction you started with, whatever the turns.",
        ["bbh_navigate"] = "Every step moves you forward in the direction you started with, whatever the turns.",
        ["bbh_causal_judgement"] = "An event counts as a cause only when it alone was enough to produce the outcome.",
    };

    /// <summary>Builds a prompt from instruction sentences (joined on lines) and the question slot.</summary>
    /// <param name="lines">The instruction lines.</param>
    /// <returns>The prompt.</returns>
    public static Prompt Of(params string[] lines) =>
        new(null, string.Join("\n", lines.Where(l => !string.IsNullOrWhiteSpace(l))) + "\n\n" + Prompt.QuestionPlaceholder);

    /// <summary>The suite's prompts for a task (rows that need a hand-written procedure only when there is one).</summary>
    /// <param name="world">The world the task is registered in.</param>
    /// <param name="task">The task.</param>
    /// <param name="constantLabel">The label of the constant-answer row, or <see langword="null"/> to skip it.</param>
    /// <returns>The rows.</returns>
    public static IReadOnlyList<RealismPrompt> For(SimulatedWorld world, TaskDefinition task, string? constantLabel = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(task);
        var format = task.AnswerFormat;
        var rows = new List<RealismPrompt>
        {
            new("empty", new Prompt(null, Prompt.QuestionPlaceholder)),
            new("vague", Of(Vague)),
            new("vague + format", Of(Vague, format)),
            new("one-liner", Of(task.DefaultInstruction)),
            new("one-liner + format", Of(task.DefaultInstruction, format)),
            new("banana", Of(task.DefaultInstruction, Banana)),
            new("generic pile + format", Of(task.DefaultInstruction, GenericPile, format)),
            new("compound + format", Of(task.DefaultInstruction, Compound, format)),
        };
        if (constantLabel is not null)
        {
            rows.Add(new("always " + constantLabel, Of($"Always answer {constantLabel}.")));
        }

        if (Procedures.TryGetValue(task.Name, out var procedure))
        {
            rows.Add(new("procedure + format", Of(procedure, format)));
            rows.Add(new("procedure as keywords + format", Of(Keywords(world, task.Name), format)));
            rows.Add(new("procedure + format + 10 irrelevant", Of([procedure, format, .. Irrelevant])));
        }

        if (WrongProcedures.TryGetValue(task.Name, out var wrong))
        {
            rows.Add(new("misconception", Of(wrong)));
        }

        rows.Add(new("oracle", world.OraclePrompt(task.Name)));
        return rows;
    }

    /// <summary>The task's skills as a bare keyword list (item 5): the skill names in words, "step by step" and "verify".</summary>
    /// <param name="world">The world.</param>
    /// <param name="task">The task name.</param>
    /// <returns>The keyword line.</returns>
    public static string Keywords(SimulatedWorld world, string task)
    {
        ArgumentNullException.ThrowIfNull(world);
        return string.Join("; ", world.GetTaskSkills(task).Select(s => s.Name.Replace('_', ' ')).Append("step by step").Append("verify"));
    }

    /// <summary>"Pay close attention to …" with the most frequent words of the training inputs (item 10).</summary>
    /// <param name="task">The task.</param>
    /// <param name="count">How many words.</param>
    /// <returns>The sentence.</returns>
    public static string FrequentWords(TaskDefinition task, int count = 6)
    {
        ArgumentNullException.ThrowIfNull(task);
        var words = task.Dataset.Train.SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e.Input.ToLowerInvariant(), @"\p{L}{4,}").Select(m => m.Value))
            .GroupBy(w => w, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(count).Select(g => g.Key);
        return "Pay close attention to " + string.Join(", ", words) + ".";
    }

    /// <summary>Puts demonstrations (Input/Output pairs under an Examples heading) to a prompt.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="demos">The demonstrations (input, answer as shown).</param>
    /// <returns>The prompt with demonstrations.</returns>
    public static Prompt WithDemos(Prompt prompt, IEnumerable<(string Input, string Answer)> demos)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(demos);
        var block = "Examples:\n" + string.Join("\n\n", demos.Select(d => "Input: " + d.Input + "\nOutput: " + d.Answer));
        var user = prompt.User;
        int at = user.IndexOf(Prompt.QuestionPlaceholder, StringComparison.Ordinal);
        return prompt with { User = user[..at].TrimEnd() + "\n\n" + block + "\n\nNow the question:\n" + user[at..] };
    }
}
