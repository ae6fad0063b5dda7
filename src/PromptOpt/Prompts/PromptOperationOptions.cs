namespace PromptOpt.Prompts;

/// <summary>Options of <see cref="PromptOperations"/>.</summary>
public sealed class PromptOperationOptions
{
    /// <summary>Gets or sets the optimizer model's sampling temperature (ALGORITHMS.md 4.2: optimizer 1.0).</summary>
    /// <value>The default is 1.0.</value>
    public float Temperature { get; set; } = 1.0f;

    /// <summary>Gets or sets the maximum output tokens per optimizer call, or <see langword="null"/> for the provider default.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? MaxOutputTokens { get; set; }

    /// <summary>
    /// Gets or sets what is added to the sample index for the single retry after an unusable reply, so the retry is a
    /// different sample (and a different cache entry) from the first attempt.
    /// </summary>
    /// <value>The default is 1000000.</value>
    public int RetrySampleOffset { get; set; } = 1_000_000;

    /// <summary>Gets or sets the maximum number of history entries shown to OPRO's proposer (the best ones, ascending).</summary>
    /// <value>The default is 20 (OPRO's default).</value>
    public int MaxHistory { get; set; } = 20;

    /// <summary>Gets or sets the section names of the Dual-Phase initial-prompt skeleton.</summary>
    /// <value>The default is task type, detailed task description, output format and constraints, reasoning process, tips.</value>
    public IReadOnlyList<string> InitialSkeleton { get; set; } = OperationPrompts.InitialSkeleton;

    /// <summary>Gets or sets a callback invoked (synchronously, possibly concurrently) whenever a candidate is dropped.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<OperationDrop>? OnDrop { get; set; }
}
