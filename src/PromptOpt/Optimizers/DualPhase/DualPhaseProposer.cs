using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.DualPhase;

/// <summary>A rewrite to check: the candidate prompt and what changed.</summary>
/// <param name="Document">The candidate as an editable prompt.</param>
/// <param name="Ordinal">The editable-sentence ordinal rewritten, or −1 for a whole-prompt rewrite.</param>
/// <param name="Before">The sentence (or whole edited text) before.</param>
/// <param name="After">The proposed sentence (or whole text).</param>
/// <param name="Operation">The candidate operation name.</param>
internal sealed record RewriteProposal(EditablePrompt Document, int Ordinal, string Before, string After, string Operation)
{
    /// <summary>Gets the candidate prompt.</summary>
    public Prompt Prompt => Document.Prompt;
}

/// <summary>
/// Proposes phase-2 rewrites (Dual-Phase 2.2 step 3.2, "Expand") through the shared <see cref="PromptOperations"/>, and
/// makes sure a rejected rewrite is never proposed again (ALGORITHMS.md 5) and no prompt is paid for twice.
/// </summary>
internal sealed class DualPhaseProposer
{
    private readonly PromptOperations _ops;
    private readonly OptimizationSession _session;
    private readonly HashSet<(int Ordinal, string Text)> _rejected = [];
    private int _sampleIndex;

    /// <summary>Initializes a new instance of the <see cref="DualPhaseProposer"/> class.</summary>
    /// <param name="ops">The shared operations.</param>
    /// <param name="session">The session (duplicate detection and notices).</param>
    public DualPhaseProposer(PromptOperations ops, OptimizationSession session)
    {
        _ops = ops;
        _session = session;
    }

    /// <summary>Gets how many optimizer replies were skipped as unchanged, duplicate or previously rejected.</summary>
    public int Skipped { get; private set; }

    /// <summary>Remembers a rejected rewrite so that it is never proposed again.</summary>
    /// <param name="proposal">The rejected proposal.</param>
    public void MarkRejected(RewriteProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        _rejected.Add((proposal.Ordinal, proposal.After));
    }

    /// <summary>Returns whether a rewrite of <paramref name="ordinal"/> to <paramref name="text"/> was rejected before.</summary>
    /// <param name="ordinal">The ordinal (−1 for whole-prompt rewrites).</param>
    /// <param name="text">The rewrite.</param>
    /// <returns><see langword="true"/> when rejected before.</returns>
    public bool WasRejected(int ordinal, string text) => _rejected.Contains((ordinal, text));

    /// <summary>
    /// Dual-Phase 2.2 step 3.2: asks the optimizer to rewrite sentence <paramref name="ordinal"/> of the current prompt
    /// given the failure cases (input / wrong output / expected); the reply is only the new sentence.
    /// </summary>
    /// <param name="current">The current prompt.</param>
    /// <param name="ordinal">The sampled editable sentence.</param>
    /// <param name="failures">The failure cases shown.</param>
    /// <param name="step">The step (for notices).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The proposal, or <see langword="null"/> when the reply was dropped, unchanged, a duplicate or rejected before.</returns>
    public async Task<RewriteProposal?> RewriteSentenceAsync(
        EditablePrompt current, int ordinal, IReadOnlyList<FailureCase> failures, int step, CancellationToken cancellationToken)
    {
        var text = await _ops.RewriteSentenceAsync(current.View, current.ViewIndex(ordinal), failures, _sampleIndex++, cancellationToken).ConfigureAwait(false);
        if (text is null)
        {
            return null; // dropped after one retry; PromptOperations reported it through OnDrop
        }

        var after = text.Trim();
        var before = current.SentenceText(ordinal);
        if (Skip(step, ordinal, before, after))
        {
            return null;
        }

        var proposal = new RewriteProposal(current.WithSentence(ordinal, after), ordinal, before, after, DualPhaseNames.RewriteOperation);
        return Duplicate(step, proposal) ? null : proposal;
    }

    /// <summary>
    /// The sentence-level ablation: rewrites the whole user prompt with analyse-failures → generate-from-analysis (two
    /// optimizer calls), keeping the system part.
    /// </summary>
    /// <param name="current">The current prompt.</param>
    /// <param name="failures">The failure cases shown.</param>
    /// <param name="step">The step (for notices).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The proposal, or <see langword="null"/> when a reply was dropped, unchanged, a duplicate or rejected before.</returns>
    public async Task<RewriteProposal?> RewriteWholeAsync(
        EditablePrompt current, IReadOnlyList<FailureCase> failures, int step, CancellationToken cancellationToken)
    {
        int sample = _sampleIndex++;
        var analysis = await _ops.AnalyzeFailuresAsync(current.Prompt, failures, PromptTarget.User, sample, cancellationToken).ConfigureAwait(false);
        if (analysis is null)
        {
            return null;
        }

        var prompt = await _ops.GenerateFromAnalysisAsync(current.Prompt, analysis, failures, PromptTarget.User, sample, cancellationToken).ConfigureAwait(false);
        if (prompt is null)
        {
            return null;
        }

        var document = EditablePrompt.Create(prompt);
        if (Skip(step, -1, current.Prompt.User, prompt.User))
        {
            return null;
        }

        var proposal = new RewriteProposal(document, -1, current.Prompt.User, prompt.User, DualPhaseNames.WholeRewriteOperation);
        return Duplicate(step, proposal) ? null : proposal;
    }

    private bool Skip(int step, int ordinal, string before, string after)
    {
        string? why = string.Equals(before, after, StringComparison.Ordinal) ? "left it unchanged"
            : WasRejected(ordinal, after) ? "repeated a rejected rewrite"
            : null;
        if (why is null)
        {
            return false;
        }

        Skipped++;
        _session.Emit(new RunNotice(FormattableString.Invariant($"{DualPhaseNames.Method} step {step}: the rewrite of sentence {ordinal} {why}; not evaluated")));
        return true;
    }

    private bool Duplicate(int step, RewriteProposal proposal)
    {
        if (!_session.HasSeen(proposal.Prompt))
        {
            return false;
        }

        Skipped++;
        _session.Emit(new RunNotice(FormattableString.Invariant($"{DualPhaseNames.Method} step {step}: the rewrite of sentence {proposal.Ordinal} gives a prompt already evaluated; not evaluated again")));
        return true;
    }
}
