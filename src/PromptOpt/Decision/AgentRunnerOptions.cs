namespace PromptOpt.Decision;

/// <summary>Options of the <see cref="AgentRunner"/>.</summary>
public sealed record AgentRunnerOptions
{
    /// <summary>Gets the agent's sampling temperature.</summary>
    /// <value>The default is 1.0 (OPRO's optimizer temperature; at 0 every step would reuse sample 0).</value>
    public float? Temperature { get; init; } = 1.0f;

    /// <summary>Gets the maximum output tokens per agent call, or <see langword="null"/> for the provider default.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Gets an offset added to the step index to form the sample index (distinct offsets give independent repeats).</summary>
    /// <value>The default is 0.</value>
    public int SampleIndexOffset { get; init; }
}
