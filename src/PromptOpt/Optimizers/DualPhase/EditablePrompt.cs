using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.DualPhase;

/// <summary>
/// A prompt with the sentence view of the part Dual-Phase edits (Dual-Phase 2.2 phase 2 step 1): the user part, or the
/// system part when the user part has no editable sentence (e.g. a system instruction with a bare <c>{question}</c>).
/// Sentences are addressed by their ordinal among the editable ones (the <c>index</c> of the report details). The
/// structure is kept across rewrites — a rewrite replaces one unit, even if it contains several sentences — so the
/// weights stay aligned with their sentences.
/// </summary>
internal sealed class EditablePrompt
{
    private readonly IReadOnlyList<int> _editable;

    private EditablePrompt(Prompt prompt, bool editsSystem, SentenceView view)
    {
        Prompt = prompt;
        EditsSystem = editsSystem;
        View = view;
        _editable = view.EditableIndices;
        EnsureLossless();
    }

    /// <summary>Gets the prompt.</summary>
    public Prompt Prompt { get; }

    /// <summary>Gets whether the system part is the edited one.</summary>
    public bool EditsSystem { get; }

    /// <summary>Gets the sentence view of the edited part.</summary>
    public SentenceView View { get; }

    /// <summary>Gets the number of editable sentences n.</summary>
    public int EditableCount => _editable.Count;

    /// <summary>Gets the edited part's text.</summary>
    public string PartText => EditsSystem ? Prompt.System ?? string.Empty : Prompt.User;

    /// <summary>Splits a prompt (Dual-Phase 2.2 phase 2 step 1: lossless, deterministic, headers not editable).</summary>
    /// <param name="prompt">The prompt.</param>
    /// <returns>The editable prompt.</returns>
    public static EditablePrompt Create(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var user = SentenceView.Parse(prompt.User);
        if (user.EditableIndices.Count == 0 && !string.IsNullOrWhiteSpace(prompt.System))
        {
            var system = SentenceView.Parse(prompt.System);
            if (system.EditableIndices.Count > 0)
            {
                return new EditablePrompt(prompt, editsSystem: true, system);
            }
        }

        return new EditablePrompt(prompt, editsSystem: false, user);
    }

    /// <summary>Gets the text of editable sentence <paramref name="ordinal"/>.</summary>
    /// <param name="ordinal">The ordinal among editable sentences.</param>
    /// <returns>The text.</returns>
    public string SentenceText(int ordinal) => View[_editable[ordinal]].Text;

    /// <summary>Gets the view index of editable sentence <paramref name="ordinal"/>.</summary>
    /// <param name="ordinal">The ordinal among editable sentences.</param>
    /// <returns>The index in <see cref="View"/>.</returns>
    public int ViewIndex(int ordinal) => _editable[ordinal];

    /// <summary>Returns the prompt with editable sentence <paramref name="ordinal"/> replaced, keeping every separator.</summary>
    /// <param name="ordinal">The ordinal among editable sentences.</param>
    /// <param name="text">The new sentence.</param>
    /// <returns>The new editable prompt.</returns>
    public EditablePrompt WithSentence(int ordinal, string text)
    {
        var view = View.WithSentence(_editable[ordinal], text);
        var joined = view.Join();
        var prompt = EditsSystem ? Prompt with { System = joined } : Prompt with { User = joined };
        return new EditablePrompt(prompt, EditsSystem, view);
    }

    /// <summary>
    /// The cheap losslessness check run at every step (ALGORITHMS.md 2.7: "sentence splitting must be lossless"): the view
    /// joins to the edited part byte for byte, and a fresh split of that text joins back to it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The split or join is not byte-identical (a bug, never user input).</exception>
    public void EnsureLossless()
    {
        var text = PartText;
        if (!string.Equals(View.Join(), text, StringComparison.Ordinal)
            || !string.Equals(SentenceView.Parse(text).Join(), text, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Dual-Phase: the sentence split/join of the prompt is not byte-identical");
        }
    }
}
