namespace PromptOpt.Storage;

/// <summary>What <see cref="IResponseCacheClaims.TryClaimAsync"/> found.</summary>
public enum CacheClaimOutcome
{
    /// <summary>The caller holds the claim now: it makes the call, then stores the response (which ends the claim) or releases it.</summary>
    Acquired,

    /// <summary>The response is in the cache already: read it, pay nothing.</summary>
    Answered,

    /// <summary>Another live holder is making this call now: wait for its response (poll again later).</summary>
    Held,
}

/// <summary>The answer of <see cref="IResponseCacheClaims.TryClaimAsync"/>.</summary>
/// <param name="Outcome">What was found.</param>
/// <param name="Holder">The live holder when <paramref name="Outcome"/> is <see cref="CacheClaimOutcome.Held"/>; otherwise <see langword="null"/>.</param>
public readonly record struct CacheClaim(CacheClaimOutcome Outcome, RunLeaseHolder? Holder);

/// <summary>
/// A response cache shared by several processes that records which process is making a call right now (an in-flight
/// claim per cache key), so two processes that miss on the same key at the same time do not both pay for it.
/// </summary>
/// <remarks>
/// <para>A claim names its holder (process id, host, process start time, a token) and expires at the time the holder
/// gave. A claim whose holder is dead (on this host: its process is gone or is another process with the same id; in
/// this process: released) or that has expired is taken over by the next caller. Storing a response with
/// <see cref="IResponseCache.PutAsync"/> ends any claim on its key in the same transaction.</para>
/// <para>Only misses touch claims: a hit reads the cache alone.</para>
/// </remarks>
public interface IResponseCacheClaims
{
    /// <summary>Gets whether claims can be written (a read-only store cannot: its callers neither claim nor wait).</summary>
    bool CanClaim { get; }

    /// <summary>Claims <paramref name="key"/> for <paramref name="holder"/> unless the response is cached or another live holder has it.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="holder">The would-be holder (its token must be marked held while it holds the claim).</param>
    /// <param name="timeout">How long the claim stays valid without being ended: after it, others take it over.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>What was found.</returns>
    ValueTask<CacheClaim> TryClaimAsync(string key, RunLeaseHolder holder, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Ends <paramref name="holder"/>'s claim on <paramref name="key"/> without a response (the call failed or was cancelled); a no-op when it holds none.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="holder">The holder.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    ValueTask ReleaseClaimAsync(string key, RunLeaseHolder holder, CancellationToken cancellationToken = default);
}
