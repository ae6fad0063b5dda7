using Microsoft.Extensions.AI;

namespace PromptOpt.Prompts;

/// <summary>
/// A prompt for the task model: an optional system part, a user part that carries the
/// <see cref="QuestionPlaceholder"/> where each example's input is inserted, and an ordered list of demonstrations
/// (<see cref="Demos"/>, empty by default) rendered as earlier turns or inline (<see cref="DemoStyle"/>). A prompt without
/// demos renders, compares and keys exactly as before demos existed, so stored runs and cached responses still answer.
/// </summary>
/// <param name="System">The system message, or <see langword="null"/> for none.</param>
/// <param name="User">The user message template; must contain <see cref="QuestionPlaceholder"/> exactly once or more.</param>
public sealed record Prompt(string? System, string User)
{
    /// <summary>The literal placeholder replaced by the example input.</summary>
    public const string QuestionPlaceholder = "{question}";

    private readonly Demo[] _demos = [];

    /// <summary>Gets the demonstrations, in the order they are shown.</summary>
    /// <value>The default is empty.</value>
    public IReadOnlyList<Demo> Demos
    {
        get => _demos;
        init => _demos = value is null ? [] : [.. value];
    }

    /// <summary>Gets how <see cref="Demos"/> are rendered.</summary>
    /// <value>The default is <see cref="Prompts.DemoStyle.Turns"/>.</value>
    public DemoStyle DemoStyle { get; init; }

    /// <summary>Gets whether the prompt carries demonstrations.</summary>
    [global::System.Text.Json.Serialization.JsonIgnore]
    public bool HasDemos => _demos.Length > 0;

    /// <summary>
    /// Gets the prompt's identity for de-duplication and memoisation: system and user exactly, plus the demos and their
    /// style when there are any (a demo-free prompt keys as system + NUL + user, as before demos existed).
    /// </summary>
    [global::System.Text.Json.Serialization.JsonIgnore]
    public string Key
    {
        get
        {
            var key = System + "\u0000" + User;
            if (_demos.Length == 0)
            {
                return key;
            }

            var sb = new global::System.Text.StringBuilder(key).Append("\u0000demos:").Append(DemoStyle);
            foreach (var d in _demos)
            {
                sb.Append('\u0001').Append(d.Input).Append('\u0002').Append(d.Answer).Append('\u0002').Append(d.Rationale);
            }

            return sb.ToString();
        }
    }

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

    /// <summary>
    /// Renders the chat messages for one input: [system] (when non-empty) + [user with the input inserted]. Demos come
    /// before the question: with <see cref="Prompts.DemoStyle.Turns"/> as a user message (the user prompt with the demo's
    /// input) and an assistant message (<see cref="Demo.Reply"/>) each; with <see cref="Prompts.DemoStyle.Inline"/> as an
    /// "Examples:" block (<see cref="Demo.FormatBlock"/>) at the end of the system message. Without demos the messages are
    /// exactly [system] + [user].
    /// </summary>
    /// <param name="input">The example input.</param>
    /// <returns>The messages to send to the task model.</returns>
    public IList<ChatMessage> Render(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var messages = new List<ChatMessage>(2 + (2 * _demos.Length));
        var system = System;
        if (_demos.Length > 0 && DemoStyle == DemoStyle.Inline)
        {
            system = string.IsNullOrWhiteSpace(system) ? Demo.FormatBlock(_demos) : system.TrimEnd() + "\n\n" + Demo.FormatBlock(_demos);
        }

        if (!string.IsNullOrWhiteSpace(system))
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }

        if (DemoStyle == DemoStyle.Turns)
        {
            foreach (var d in _demos)
            {
                messages.Add(new ChatMessage(ChatRole.User, User.Replace(QuestionPlaceholder, d.Input, StringComparison.Ordinal)));
                messages.Add(new ChatMessage(ChatRole.Assistant, d.Reply));
            }
        }

        messages.Add(new ChatMessage(ChatRole.User, User.Replace(QuestionPlaceholder, input, StringComparison.Ordinal)));
        return messages;
    }

    /// <summary>Gets the full text of the prompt (system and user), as the simulator and length penalties see it.</summary>
    public string FullText => string.IsNullOrEmpty(System) ? User : System + "\n\n" + User;

    /// <summary>Gets the text of the prompt as reports and diffs show it: <see cref="FullText"/>, then the demos' "Examples:" block when there are any.</summary>
    [global::System.Text.Json.Serialization.JsonIgnore]
    public string DisplayText => _demos.Length == 0 ? FullText : FullText + "\n\n" + Demo.FormatBlock(_demos);

    /// <summary>Gets the demos whose input is the input of one of <paramref name="examples"/> (e.g. the test split): a demo must never be one.</summary>
    /// <param name="examples">The examples the prompt is scored on.</param>
    /// <returns>The overlapping demos (empty when none).</returns>
    public IReadOnlyList<Demo> DemosOverlapping(IEnumerable<Data.Example> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (_demos.Length == 0)
        {
            return [];
        }

        var inputs = new HashSet<string>(examples.Select(e => e.Input.Trim()), StringComparer.Ordinal);
        return _demos.Where(d => inputs.Contains(d.Input.Trim())).ToList();
    }

    /// <summary>Throws when a demo's input is one of <paramref name="examples"/> (demos must never be test examples).</summary>
    /// <param name="examples">The examples the prompt is scored on.</param>
    /// <param name="what">What the examples are, for the message (e.g. "the test split").</param>
    /// <exception cref="PromptOptInputException">A demo is one of the examples.</exception>
    public void EnsureDemosOutside(IEnumerable<Data.Example> examples, string what)
    {
        var overlap = DemosOverlapping(examples);
        if (overlap.Count > 0)
        {
            var first = overlap[0].Input.ReplaceLineEndings(" ");
            throw new PromptOptInputException(
                $"{overlap.Count} demo(s) of the prompt are examples of {what} (first: \"{(first.Length > 60 ? first[..57] + "..." : first)}\"); a demo must never be a test example");
        }
    }

    /// <inheritdoc />
    public bool Equals(Prompt? other) =>
        other is not null
        && string.Equals(System, other.System, StringComparison.Ordinal)
        && string.Equals(User, other.User, StringComparison.Ordinal)
        && (_demos.Length == 0 ? other._demos.Length == 0 : DemoStyle == other.DemoStyle && _demos.AsSpan().SequenceEqual(other._demos));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(System, StringComparer.Ordinal);
        hash.Add(User, StringComparer.Ordinal);
        foreach (var d in _demos)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }
}
