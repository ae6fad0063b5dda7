using Microsoft.Extensions.AI;

namespace PromptOpt.Prompts;

/// <summary>
/// A prompt for the task model: an optional system part and a user part that carries the
/// <see cref="QuestionPlaceholder"/> where each example's input is inserted.
/// </summary>
/// <param name="System">The system message, or <see langword="null"/> for none.</param>
/// <param name="User">The user message template; must contain <see cref="QuestionPlaceholder"/> exactly once or more.</param>
public sealed record Prompt(string? System, string User)
{
    /// <summary>The literal placeholder replaced by the example input.</summary>
    public const string QuestionPlaceholder = "{question}";

    /// <summary>Creates a user-only prompt from an instruction, appending the placeholder on its own line when missing.</summary>
    /// <param name="instruction">The instruction text.</param>
    /// <returns>The prompt.</returns>
    public static Prompt FromInstruction(string instruction)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        return new Prompt(null, instruction.Contains(QuestionPlaceholder, StringComparison.Ordinal)
            ? instruction
            : instruction.TrimEnd() + "\n\n" + QuestionPlaceholder);
    }

    /// <summary>Gets whether the user part still carries the question placeholder.</summary>
    public bool HasPlaceholder => User.Contains(QuestionPlaceholder, StringComparison.Ordinal);

    /// <summary>Gets the user text without the placeholder (the instruction proper).</summary>
    public string Instruction => User.Replace(QuestionPlaceholder, string.Empty, StringComparison.Ordinal).Trim();

    /// <summary>Throws <see cref="ArgumentException"/> when the user part has lost its placeholder.</summary>
    /// <exception cref="ArgumentException">The placeholder is missing.</exception>
    public void Validate()
    {
        if (!HasPlaceholder)
        {
            throw new ArgumentException($"The user prompt must contain the placeholder {QuestionPlaceholder}.");
        }
    }

    /// <summary>Renders the chat messages for one input: [system] (when non-empty) + [user with the input inserted].</summary>
    /// <param name="input">The example input.</param>
    /// <returns>The messages to send to the task model.</returns>
    public IList<ChatMessage> Render(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var messages = new List<ChatMessage>(2);
        if (!string.IsNullOrWhiteSpace(System))
        {
            messages.Add(new ChatMessage(ChatRole.System, System));
        }

        messages.Add(new ChatMessage(ChatRole.User, User.Replace(QuestionPlaceholder, input, StringComparison.Ordinal)));
        return messages;
    }

    /// <summary>Gets the full text of the prompt (system and user), as the simulator and length penalties see it.</summary>
    public string FullText => string.IsNullOrEmpty(System) ? User : System + "\n\n" + User;
}
