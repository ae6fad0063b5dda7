using PromptOpt.Decision;

namespace PromptOpt.Optimizers.Expo;

/// <summary>The EXPO domain (ALGORITHMS.md §1.2 step 1): k1 task descriptions and k2 meta-instructions, originals first.</summary>
/// <param name="Descriptions">The task descriptions D (index 0 is the original).</param>
/// <param name="Instructions">The meta-instructions I (index 0 is the original).</param>
public sealed record ExpoDomain(IReadOnlyList<string> Descriptions, IReadOnlyList<string> Instructions)
{
    /// <summary>Builds a domain: each pool is the original first, then the distinct non-blank variants, truncated to its count.</summary>
    /// <param name="original">The original (D, I).</param>
    /// <param name="descriptionVariants">Variants of D.</param>
    /// <param name="instructionVariants">Variants of I.</param>
    /// <param name="descriptionCount">k1, the original included.</param>
    /// <param name="instructionCount">k2, the original included.</param>
    /// <returns>The domain.</returns>
    public static ExpoDomain Create(
        MetaPrompt original, IEnumerable<string> descriptionVariants, IEnumerable<string> instructionVariants, int descriptionCount, int instructionCount)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(descriptionVariants);
        ArgumentNullException.ThrowIfNull(instructionVariants);
        return new ExpoDomain(
            Pool(original.TaskDescription, descriptionVariants, descriptionCount),
            Pool(original.MetaInstruction, instructionVariants, instructionCount));
    }

    private static string[] Pool(string original, IEnumerable<string> variants, int count) =>
        new[] { original }.Concat(variants).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim())
            .Distinct(StringComparer.Ordinal).Take(Math.Max(1, count)).ToArray();
}

/// <summary>Produces the EXPO domain. The LLM-backed source (the shared GenerateVariants operation) plugs in here.</summary>
public interface IExpoDomainSource
{
    /// <summary>Builds the domain for an environment's original meta-prompt.</summary>
    /// <param name="original">The original (D, I).</param>
    /// <param name="descriptionCount">k1, the original included.</param>
    /// <param name="instructionCount">k2, the original included.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The domain; each list starts with the original and has at most the requested count.</returns>
    Task<ExpoDomain> GetDomainAsync(MetaPrompt original, int descriptionCount, int instructionCount, CancellationToken cancellationToken = default);

    /// <summary>Estimates the optimizer-model calls <see cref="GetDomainAsync"/> makes (for the run's announced estimate).</summary>
    /// <param name="descriptionCount">k1.</param>
    /// <param name="instructionCount">k2.</param>
    /// <returns>The estimated calls (0 for sources that call no model).</returns>
    long EstimatedCalls(int descriptionCount, int instructionCount) => 0;
}

/// <summary>A domain from fixed lists of variants (tests, hand-written pools): the original first, then the distinct variants, truncated to the counts.</summary>
public sealed class FixedExpoDomainSource : IExpoDomainSource
{
    private readonly IReadOnlyList<string> _descriptions;
    private readonly IReadOnlyList<string> _instructions;

    /// <summary>Initializes a new instance of the <see cref="FixedExpoDomainSource"/> class.</summary>
    /// <param name="descriptionVariants">Variants of the task description (the original is prepended when absent).</param>
    /// <param name="instructionVariants">Variants of the meta-instruction (the original is prepended when absent).</param>
    public FixedExpoDomainSource(IEnumerable<string> descriptionVariants, IEnumerable<string> instructionVariants)
    {
        ArgumentNullException.ThrowIfNull(descriptionVariants);
        ArgumentNullException.ThrowIfNull(instructionVariants);
        _descriptions = descriptionVariants.ToArray();
        _instructions = instructionVariants.ToArray();
    }

    /// <summary>Gets a source with no variants: the domain is the original meta-prompt only.</summary>
    public static FixedExpoDomainSource OriginalOnly { get; } = new([], []);

    /// <inheritdoc/>
    public Task<ExpoDomain> GetDomainAsync(MetaPrompt original, int descriptionCount, int instructionCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(original);
        return Task.FromResult(ExpoDomain.Create(original, _descriptions, _instructions, descriptionCount, instructionCount));
    }
}
