namespace PromptOpt.Simulation;

/// <summary>One instruction unit of a prompt: a whole sentence, or one clause of a sentence (SIMULATOR.md v2, "Prompt reading").</summary>
/// <param name="Text">The text the encoder reads (list markers and emphasis marks removed).</param>
/// <param name="InSystem">Whether it comes from the system prompt.</param>
/// <param name="IsClause">Whether it is a clause of a longer sentence (else the whole sentence).</param>
/// <param name="Sentence">The index of its sentence among the reading's sentences (a clause shares its sentence's index).</param>
public sealed record InstructionUnit(string Text, bool InSystem, bool IsClause, int Sentence);

/// <summary>Where a demonstration was found.</summary>
public enum DemonstrationSource
{
    /// <summary>An input/answer pair in the prompt text ("Input: … / Output: …", under an Examples heading or not).</summary>
    PromptText,

    /// <summary>An earlier user/assistant turn of the conversation.</summary>
    Turn,
}

/// <summary>One demonstration (input/answer pair) the prompt shows.</summary>
/// <param name="Input">The demonstrated input.</param>
/// <param name="Answer">The demonstrated answer, as written.</param>
/// <param name="FinalAnswer">The final answer extracted from <paramref name="Answer"/> (inside answer tags, after "the answer is", or the whole short answer).</param>
/// <param name="ShowsReasoning">Whether the answer shows reasoning before the final answer.</param>
/// <param name="ShowsAnswerForm">Whether the answer shows a clean answer form (answer tags, or a bare short answer).</param>
/// <param name="Source">Where it was found.</param>
public sealed record Demonstration(string Input, string Answer, string FinalAnswer, bool ShowsReasoning, bool ShowsAnswerForm, DemonstrationSource Source);

/// <summary>
/// What the simulated model reads in a prompt (SIMULATOR.md v2, "Prompt reading"): its instruction sentences and
/// clauses, its demonstrations, its length and its normalised text. Produced by <see cref="PromptReader.Read"/>.
/// The <c>{question}</c> slot is neither an instruction nor a demonstration.
/// </summary>
public sealed class PromptReading
{
    internal PromptReading(string? system, string user, IReadOnlyList<InstructionUnit> units, IReadOnlyList<string> sentences, IReadOnlyList<Demonstration> demonstrations, int tokens, string normalizedText)
    {
        System = system;
        User = user;
        Units = units;
        Sentences = sentences;
        Demonstrations = demonstrations;
        Tokens = tokens;
        NormalizedText = normalizedText;
    }

    /// <summary>Gets the system prompt read, or <see langword="null"/>.</summary>
    public string? System { get; }

    /// <summary>Gets the user prompt read (a template: the question, if any, replaced by the placeholder).</summary>
    public string User { get; }

    /// <summary>Gets every instruction unit: each sentence, then the clauses of sentences that have at least two.</summary>
    public IReadOnlyList<InstructionUnit> Units { get; }

    /// <summary>Gets the instruction sentences' texts in order (indexed by <see cref="InstructionUnit.Sentence"/>).</summary>
    public IReadOnlyList<string> Sentences { get; }

    /// <summary>Gets the demonstrations.</summary>
    public IReadOnlyList<Demonstration> Demonstrations { get; }

    /// <summary>Gets the prompt length in tokens (system, user template and earlier turns; demonstrations count).</summary>
    public int Tokens { get; }

    /// <summary>Gets the normalised prompt text (lower case, collapsed white space): the key of the wording term and of every draw.</summary>
    public string NormalizedText { get; }
}
