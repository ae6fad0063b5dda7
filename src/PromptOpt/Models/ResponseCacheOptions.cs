namespace PromptOpt.Models;

/// <summary>Options of <see cref="ResponseCacheChatClient"/>: how a miss waits for another process making the same call.</summary>
public sealed class ResponseCacheOptions
{
    /// <summary>The default <see cref="ClaimTimeout"/>: 10 minutes.</summary>
    public static readonly TimeSpan DefaultClaimTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The first poll interval of a caller waiting for another process's claim: 20 ms.</summary>
    public static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest poll interval of a caller waiting for another process's claim: 250 ms.</summary>
    public static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets how long an in-flight claim on a cache key stays valid (see <see cref="Storage.IResponseCacheClaims"/>): a
    /// live holder that has not stored a response by then is taken over, so a waiter never waits longer. A dead holder's
    /// claim is taken over at once. Set it to the longest a call can take with its retries (see <see cref="ForCalls"/>).
    /// </summary>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan ClaimTimeout { get; set; } = DefaultClaimTimeout;

    /// <summary>Gets or sets the clock for poll delays.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets options whose <see cref="ClaimTimeout"/> covers a call with all its retries: every attempt timing out, with
    /// the longest delay (or <c>Retry-After</c>) between attempts, plus 30 s.
    /// </summary>
    /// <param name="requestTimeout">The timeout of one attempt.</param>
    /// <param name="retry">The retry options.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <returns>The options.</returns>
    public static ResponseCacheOptions ForCalls(TimeSpan requestTimeout, ModelRetryOptions retry, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(retry);
        int attempts = Math.Max(1, retry.MaxAttempts);
        var longestDelay = retry.MaxDelay > retry.MaxRetryAfter ? retry.MaxDelay : retry.MaxRetryAfter;
        return new ResponseCacheOptions
        {
            ClaimTimeout = (requestTimeout * attempts) + (longestDelay * (attempts - 1)) + TimeSpan.FromSeconds(30),
            TimeProvider = timeProvider ?? TimeProvider.System,
        };
    }
}
