namespace PromptOpt.Decision;

/// <summary>
/// The two optimisable parts of an agent's meta-prompt (ALGORITHMS.md §1.1): the task description D and the
/// meta-instruction I. The exemplars E (the interaction history) come from the environment at every step.
/// </summary>
/// <param name="TaskDescription">The task description D.</param>
/// <param name="MetaInstruction">The meta-instruction I (how to reason, what to output).</param>
public sealed record MetaPrompt(string TaskDescription, string MetaInstruction)
{
    /// <summary>Renders the meta-prompt Q = D + exemplars block + I (§1.2 step 3.3), parts separated by a blank line.</summary>
    /// <param name="exemplars">The exemplars block rendered by the environment.</param>
    /// <returns>The text sent to the agent as its user message.</returns>
    public string Render(string exemplars)
    {
        ArgumentNullException.ThrowIfNull(exemplars);
        return string.Join("\n\n", new[] { TaskDescription.Trim(), exemplars.Trim(), MetaInstruction.Trim() }.Where(p => p.Length > 0));
    }
}
