using System.Text;

namespace PromptOpt.Prompts;

/// <summary>
/// A demonstration (few-shot example) carried by a <see cref="Prompt"/>: an input with the answer the model should give,
/// and optionally the reasoning shown before that answer. A demo's input must never be an example the prompt is scored
/// on at test time (<see cref="Prompt.DemosOverlapping"/>).
/// </summary>
/// <param name="Input">The example input, as the question placeholder would receive it.</param>
/// <param name="Answer">The answer shown (for bootstrapped demos, the task model's own final answer line).</param>
/// <param name="Rationale">The reasoning shown before the answer, or <see langword="null"/>.</param>
public sealed record Demo(string Input, string Answer, string? Rationale = null)
{
    /// <summary>Gets the assistant text of the demo: the rationale (when any) and the answer on the next line.</summary>
    public string Reply => string.IsNullOrWhiteSpace(Rationale) ? Answer : Rationale.TrimEnd() + "\n" + Answer;

    /// <summary>
    /// Builds a demo from a model's reply that the metric passed: the last non-empty line is the answer, the lines before
    /// it the rationale (so <see cref="Reply"/> gives the reply back, whitespace aside).
    /// </summary>
    /// <param name="input">The example input.</param>
    /// <param name="reply">The model's full reply.</param>
    /// <returns>The demo.</returns>
    public static Demo FromReply(string input, string reply)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reply);
        var lines = reply.ReplaceLineEndings("\n").Trim().Split('\n');
        if (lines.Length <= 1)
        {
            return new Demo(input, reply.Trim());
        }

        var rationale = string.Join("\n", lines[..^1]).Trim();
        return new Demo(input, lines[^1].Trim(), rationale.Length == 0 ? null : rationale);
    }

    /// <summary>Gets demos as a JSON array of <c>{"input", "answer", "rationale"}</c> (what run specs and outputs show).</summary>
    /// <param name="demos">The demos.</param>
    /// <returns>The array.</returns>
    public static System.Text.Json.Nodes.JsonArray ToJson(IEnumerable<Demo> demos)
    {
        ArgumentNullException.ThrowIfNull(demos);
        return new System.Text.Json.Nodes.JsonArray(demos.Select(d => (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject
        {
            ["input"] = d.Input,
            ["answer"] = d.Answer,
            ["rationale"] = d.Rationale,
        }).ToArray());
    }

    /// <summary>Formats demos as an "Examples" block (the inline rendering, and what reports and diffs show).</summary>
    /// <param name="demos">The demos.</param>
    /// <returns>The text, empty when there are none.</returns>
    public static string FormatBlock(IReadOnlyList<Demo> demos)
    {
        ArgumentNullException.ThrowIfNull(demos);
        if (demos.Count == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder("Examples:");
        for (int i = 0; i < demos.Count; i++)
        {
            var d = demos[i];
            sb.Append("\n\nExample ").Append(i + 1).Append("\nInput: ").Append(d.Input);
            if (!string.IsNullOrWhiteSpace(d.Rationale))
            {
                sb.Append("\nReasoning: ").Append(d.Rationale.Trim());
            }

            sb.Append("\nAnswer: ").Append(d.Answer);
        }

        return sb.ToString();
    }
}

/// <summary>How a <see cref="Prompt"/>'s demos are sent to the task model.</summary>
public enum DemoStyle
{
    /// <summary>As earlier turns of the conversation: for each demo a user message (the user prompt with the demo's input) and an assistant message (its reply). The default.</summary>
    Turns,

    /// <summary>Inline, as an "Examples:" block at the end of the system message (one is created when the prompt has no system part), so the last user message holds only the question.</summary>
    Inline,
}
