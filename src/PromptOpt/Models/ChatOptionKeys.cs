namespace PromptOpt.Models;

/// <summary>
/// Keys PromptOpt puts in <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> and
/// <see cref="Microsoft.Extensions.AI.ChatResponse.AdditionalProperties"/>. Real providers ignore them.
/// </summary>
public static class ChatOptionKeys
{
    /// <summary>The LLM operation and its structured arguments, as the JSON string of an <see cref="LlmOperation"/>, read by the simulator.</summary>
    public const string Operation = "promptopt.op";

    /// <summary>The caller's role: <c>task</c>, <c>optimizer</c> or <c>agent</c> (see <see cref="ModelRoles"/>).</summary>
    public const string Role = "promptopt.role";

    /// <summary>The sample (rollout) index: distinct samples at temperature &gt; 0 are cached separately.</summary>
    public const string SampleIndex = "promptopt.sample";

    /// <summary>On a response: <see langword="true"/> when it was served from the response cache.</summary>
    public const string CacheHit = "promptopt.cache_hit";

    /// <summary>On a response: <see langword="true"/> when it was produced by the simulator.</summary>
    public const string Simulated = "promptopt.simulated";
}

/// <summary>The model roles.</summary>
public static class ModelRoles
{
    /// <summary>The model whose prompt is tuned.</summary>
    public const string Task = "task";

    /// <summary>The model that analyses failures and writes candidates.</summary>
    public const string Optimizer = "optimizer";

    /// <summary>The model acting in an environment (EXPO).</summary>
    public const string Agent = "agent";

    /// <summary>
    /// A provider's embedding model (EXPO's arms and exemplar sets). Embedding calls are metered and count towards the
    /// token and dollar budgets, not towards the task- or optimizer-call budgets.
    /// </summary>
    public const string Embedding = "embedding";

    /// <summary>
    /// The task model scoring held-out test examples for the final report. Test calls are metered but not charged to the
    /// optimization budget, so a run stopped by its budget can still report test scores.
    /// </summary>
    public const string Test = "test";
}
