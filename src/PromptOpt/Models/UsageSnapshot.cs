namespace PromptOpt.Models;

/// <summary>Usage of one role at a point in time.</summary>
/// <param name="Calls">Logical calls (paid + cached).</param>
/// <param name="PaidCalls">Calls that reached the provider.</param>
/// <param name="CachedCalls">Calls answered from the response cache.</param>
/// <param name="InputTokens">Input tokens over all calls (cached calls carry their original usage).</param>
/// <param name="OutputTokens">Output tokens over all calls.</param>
/// <param name="PaidInputTokens">Input tokens of paid calls only.</param>
/// <param name="PaidOutputTokens">Output tokens of paid calls only.</param>
/// <param name="EstimatedDollars">Estimated cost of the paid calls.</param>
/// <param name="Retries">Retries made by the resilience middleware.</param>
public sealed record RoleUsage(
    long Calls,
    long PaidCalls,
    long CachedCalls,
    long InputTokens,
    long OutputTokens,
    long PaidInputTokens,
    long PaidOutputTokens,
    decimal EstimatedDollars,
    long Retries)
{
    /// <summary>Gets an empty usage.</summary>
    public static RoleUsage Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0m, 0);

    /// <summary>Adds two usages.</summary>
    /// <param name="other">The other usage.</param>
    /// <returns>The sum.</returns>
    public RoleUsage Add(RoleUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Calls + other.Calls, PaidCalls + other.PaidCalls, CachedCalls + other.CachedCalls, InputTokens + other.InputTokens,
            OutputTokens + other.OutputTokens, PaidInputTokens + other.PaidInputTokens, PaidOutputTokens + other.PaidOutputTokens,
            EstimatedDollars + other.EstimatedDollars, Retries + other.Retries);
    }
}

/// <summary>Usage of a run, per role and in total.</summary>
/// <param name="ByRole">Usage per role (<see cref="ModelRoles"/>).</param>
public sealed record UsageSnapshot(IReadOnlyDictionary<string, RoleUsage> ByRole)
{
    /// <summary>Gets the total over all roles.</summary>
    public RoleUsage Total => ByRole.Values.Aggregate(RoleUsage.Empty, (a, b) => a.Add(b));

    /// <summary>Gets one role's usage (empty when the role made no call).</summary>
    /// <param name="role">The role.</param>
    /// <returns>The usage.</returns>
    public RoleUsage For(string role) => ByRole.TryGetValue(role, out var u) ? u : RoleUsage.Empty;
}
