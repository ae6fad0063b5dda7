using PromptOpt.Data;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>MetaSPO's fixed prompt texts and the rule for a task's initial user prompt (ALGORITHMS.md 3.3–3.5).</summary>
public static class MetaSpoPrompts
{
    /// <summary>The default (and initial) system prompt [C].</summary>
    public const string DefaultSystemPrompt = "You are a helpful assistant.";

    /// <summary>The chain-of-thought baseline system prompt [P].</summary>
    public const string CotSystemPrompt = "Let's think step by step.";

    /// <summary>
    /// Gets a task's initial user prompt: the suite's (<see cref="TaskDefinition.InitialUserPrompt"/>) when it has one,
    /// else, as ALGORITHMS.md 3.3 ("Initial user prompts") describes them, one line of task instruction, the question
    /// block, and the answer-format line.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <returns>The user prompt template.</returns>
    public static string InitialUserPrompt(TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!string.IsNullOrWhiteSpace(task.InitialUserPrompt) && task.InitialUserPrompt.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal))
        {
            return task.InitialUserPrompt.Trim();
        }

        var instruction = task.DefaultInstruction.Trim();
        return instruction.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal)
            ? instruction
            : WithAnswerFormat(instruction + "\n\n<Question>" + Prompt.QuestionPlaceholder + "</Question>", task);
    }

    /// <summary>Appends the task's answer-format line to a user prompt unless it is already there (APE candidates, ALGORITHMS.md 3.2).</summary>
    /// <param name="user">The user prompt.</param>
    /// <param name="task">The task.</param>
    /// <returns>The user prompt with the answer-format line.</returns>
    public static string WithAnswerFormat(string user, TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(task);
        var format = task.AnswerFormat.Trim();
        return format.Length == 0 || user.Contains(format, StringComparison.Ordinal) ? user : user.TrimEnd() + "\n\n" + format;
    }
}
