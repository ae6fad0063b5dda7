namespace PromptOpt.Prompts;

/// <summary>
/// Checks every rewrite must pass: a user prompt keeps <see cref="Prompt.QuestionPlaceholder"/> (ALGORITHMS.md 3.3 and 5,
/// "a generator reply missing … the question placeholder is retried once, then dropped") and is not empty.
/// </summary>
internal static class PromptValidation
{
    /// <summary>Gets why <paramref name="userText"/> is not a valid user prompt, or <see langword="null"/> when it is.</summary>
    /// <param name="userText">The candidate user prompt.</param>
    /// <returns>The problem, or <see langword="null"/>.</returns>
    public static string? CheckUser(string? userText)
    {
        if (string.IsNullOrWhiteSpace(userText))
        {
            return "empty prompt";
        }

        if (!userText.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal))
        {
            return $"lost the {Prompt.QuestionPlaceholder} placeholder";
        }

        return userText.Replace(Prompt.QuestionPlaceholder, string.Empty, StringComparison.Ordinal).Trim().Length == 0
            ? "no instruction besides the placeholder"
            : null;
    }

    /// <summary>Gets whether <paramref name="userText"/> is a valid user prompt.</summary>
    /// <param name="userText">The candidate user prompt.</param>
    /// <returns><see langword="true"/> when <see cref="CheckUser"/> finds no problem.</returns>
    public static bool IsValidUser(string? userText) => CheckUser(userText) is null;

    /// <summary>Replaces the user part of <paramref name="prompt"/> when the new text is valid.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="newUser">The new user text.</param>
    /// <param name="result">The new prompt, or the original when invalid.</param>
    /// <returns><see langword="true"/> when replaced.</returns>
    public static bool TryReplaceUser(Prompt prompt, string? newUser, out Prompt result)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (CheckUser(newUser) is not null)
        {
            result = prompt;
            return false;
        }

        result = prompt with { User = newUser! };
        return true;
    }

    /// <summary>Turns an instruction into a user prompt, appending the placeholder on its own line when missing.</summary>
    /// <param name="instruction">The instruction.</param>
    /// <param name="system">The system prompt to keep, or <see langword="null"/>.</param>
    /// <returns>The prompt.</returns>
    public static Prompt FromInstruction(string instruction, string? system = null) =>
        Prompt.FromInstruction(instruction) with { System = system };
}
