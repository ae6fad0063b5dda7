using PromptOpt.Storage;

namespace PromptOpt.Models;

/// <summary>
/// The in-flight claim protocol of the response caches (issue 16): before paying for a miss, a process claims the key in
/// a store that records claims (<see cref="IResponseCacheClaims"/>); if another live process holds it, this one polls the
/// cache (<see cref="ResponseCacheOptions.FirstPollDelay"/> doubling to <see cref="ResponseCacheOptions.MaxPollDelay"/>)
/// until that process's answer appears, or the claim ends without one or goes stale, and then claims and calls itself.
/// Shared by <see cref="ResponseCacheChatClient"/> and <see cref="ResponseCacheEmbeddingGenerator"/>.
/// </summary>
internal sealed class ResponseCacheClaimGate
{
    private readonly IResponseCache _cache;
    private readonly IResponseCacheClaims _claims;
    private readonly TimeSpan _claimTimeout;
    private readonly TimeProvider _timeProvider;

    private ResponseCacheClaimGate(IResponseCache cache, IResponseCacheClaims claims, TimeSpan claimTimeout, TimeProvider timeProvider)
    {
        _cache = cache;
        _claims = claims;
        _claimTimeout = claimTimeout;
        _timeProvider = timeProvider;
    }

    /// <summary>Creates the gate, or returns <see langword="null"/> when the cache cannot record claims (e.g. a read-only store).</summary>
    /// <param name="cache">The cache.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The gate, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ResponseCacheOptions.ClaimTimeout"/> is not positive.</exception>
    public static ResponseCacheClaimGate? For(IResponseCache cache, ResponseCacheOptions? options)
    {
        options ??= new ResponseCacheOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ClaimTimeout, TimeSpan.Zero, nameof(options));
        return cache is IResponseCacheClaims { CanClaim: true } claims
            ? new ResponseCacheClaimGate(cache, claims, options.ClaimTimeout, options.TimeProvider ?? TimeProvider.System)
            : null; // a read-only store never writes claims
    }

    /// <summary>
    /// Claims the key for this process, or returns the response another process stored while this one waited. Waits at
    /// most about the holder's claim timeout (then its claim is stale and taken over); cancellation ends the wait.
    /// </summary>
    /// <param name="key">The cache key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The claim held (release it with <see cref="ReleaseAsync"/>), or the shared response.</returns>
    public async Task<(RunLeaseHolder? Claim, CachedResponse? Shared)> ClaimAsync(string key, CancellationToken cancellationToken)
    {
        var holder = RunLeaseHolder.ForThisProcess(_timeProvider);
        holder.MarkHeld();
        try
        {
            var delay = ResponseCacheOptions.FirstPollDelay;
            while (true)
            {
                var found = await _claims.TryClaimAsync(key, holder, _claimTimeout, cancellationToken).ConfigureAwait(false);
                if (found.Outcome == CacheClaimOutcome.Acquired)
                {
                    return (holder, null);
                }

                if (found.Outcome == CacheClaimOutcome.Answered
                    && await _cache.TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } shared)
                {
                    holder.MarkReleased();
                    return (null, shared);
                }

                // Held by a live holder (or answered and then cleared): poll again after a growing pause, never in a hot loop.
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, ResponseCacheOptions.MaxPollDelay.Ticks));
            }
        }
        catch
        {
            holder.MarkReleased();
            throw;
        }
    }

    /// <summary>Ends a claim: when the call stored its answer the store has already cleared it; otherwise it is released.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="claim">The claim.</param>
    /// <param name="ended">Whether storing the answer already ended the claim.</param>
    /// <returns>A task.</returns>
    public async Task ReleaseAsync(string key, RunLeaseHolder claim, bool ended)
    {
        try
        {
            if (!ended)
            {
                // The call failed or was cancelled: let a waiting process (or the next caller) make it.
                await _claims.ReleaseClaimAsync(key, claim, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Never hide the call's own outcome: an unreleased claim is taken over once this process is gone or it expires.
        }
        finally
        {
            claim.MarkReleased();
        }
    }
}
