using PromptOpt.Decision;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// Builds the EXPO domain with the optimizer model (ALGORITHMS.md §1.2 step 1, §1.4): one shared GenerateVariants call
/// for k1 − 1 rewrites of the task description and one for k2 − 1 rewrites of the meta-instruction; the originals stay in
/// the pools (§5). Duplicates are removed, so a pool can come out smaller than asked.
/// </summary>
/// <remarks>Cost: two optimizer-model calls (plus the operation's retry on an unusable reply).</remarks>
public sealed class LlmExpoDomainSource : IExpoDomainSource
{
    private readonly PromptOperations _operations;

    /// <summary>Initializes a new instance of the <see cref="LlmExpoDomainSource"/> class.</summary>
    /// <param name="operations">The shared LLM operations over the optimizer model.</param>
    public LlmExpoDomainSource(PromptOperations operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        _operations = operations;
    }

    /// <inheritdoc/>
    public async Task<ExpoDomain> GetDomainAsync(MetaPrompt original, int descriptionCount, int instructionCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(original);
        IReadOnlyList<string> d = descriptionCount > 1
            ? await _operations.GenerateVariantsAsync(original.TaskDescription, VariantKind.TaskDescription, descriptionCount - 1, 0, cancellationToken).ConfigureAwait(false)
            : [];
        IReadOnlyList<string> i = instructionCount > 1
            ? await _operations.GenerateVariantsAsync(original.MetaInstruction, VariantKind.MetaInstruction, instructionCount - 1, 0, cancellationToken).ConfigureAwait(false)
            : [];
        return ExpoDomain.Create(original, d, i, descriptionCount, instructionCount);
    }

    /// <inheritdoc/>
    /// <remarks>One call per pool that has variants to write (a reply without usable variants is retried once more).</remarks>
    public long EstimatedCalls(int descriptionCount, int instructionCount) => (descriptionCount > 1 ? 1 : 0) + (instructionCount > 1 ? 1 : 0);
}
