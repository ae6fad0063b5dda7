using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using PromptOpt.Storage;
using PromptOpt.Telemetry;

namespace PromptOpt.Models;

/// <summary>
/// The <c>Use…</c> extensions that add PromptOpt's middleware to Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>.
/// As everywhere in MEAI, the first <c>Use</c> is the outermost layer and the last is closest to the provider.
/// </summary>
/// <example>
/// <code>
/// IChatClient model = new ChatClientBuilder(provider)
///     .UsePromptOptTelemetry()      // outermost: GenAI spans for cached calls too, marked promptopt.cache_hit
///     .UseUsageTracking(meter)      // counts cache hits too
///     .UseResponseCache(store)
///     .UseConcurrencyLimit(8)
///     .UseResilience(retry)         // innermost: retries real calls only
///     .Build();
/// </code>
/// </example>
public static class ChatClientBuilderExtensions
{
    /// <summary>
    /// Adds Microsoft.Extensions.AI's <see cref="OpenTelemetryChatClient"/> (standard <c>gen_ai.*</c> spans and metrics on the
    /// activity source and meter <c>PromptOpt</c>; prompts and responses are not recorded) with a
    /// <see cref="PromptOptTelemetryChatClient"/> right inside it, which adds PromptOpt's attributes (role, operation, cache hit)
    /// to that span and counts calls, tokens and cache hits. Call it first (outermost), or at least before
    /// <see cref="UseResponseCache(ChatClientBuilder, IResponseCache)"/>, so cached calls get a span marked as hits.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="loggerFactory">Receives the GenAI events <see cref="OpenTelemetryChatClient"/> logs, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UsePromptOptTelemetry(this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .UseOpenTelemetry(loggerFactory, PromptOptTelemetry.Name)
            .Use(inner => new PromptOptTelemetryChatClient(inner));
    }

    /// <summary>Adds <see cref="UsageTrackingChatClient"/> (usage metering and budget).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="meter">The meter.</param>
    /// <param name="defaultRole">The role of requests that carry none.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseUsageTracking(this ChatClientBuilder builder, UsageMeter meter, string defaultRole = ModelRoles.Task)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(meter);
        return builder.Use(inner => new UsageTrackingChatClient(inner, meter, defaultRole));
    }

    /// <summary>Adds <see cref="ResponseCacheChatClient"/> over <paramref name="cache"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="cache">The cache.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseResponseCache(this ChatClientBuilder builder, IResponseCache cache) => UseResponseCache(builder, cache, null);

    /// <summary>Adds <see cref="ResponseCacheChatClient"/> over <paramref name="cache"/> with <paramref name="options"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="cache">The cache.</param>
    /// <param name="options">The options (how a miss waits for another process's claim), or <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseResponseCache(this ChatClientBuilder builder, IResponseCache cache, ResponseCacheOptions? options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cache);
        return builder.Use(inner => new ResponseCacheChatClient(inner, cache, options));
    }

    /// <summary>Adds <see cref="ThrottlingChatClient"/> (a concurrency limit).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxConcurrency">The maximum number of concurrent calls.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseConcurrencyLimit(this ChatClientBuilder builder, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return builder.Use(inner => new ThrottlingChatClient(inner, maxConcurrency));
    }

    /// <summary>Adds <see cref="ResilientChatClient"/> (retry of transient failures, honouring <c>Retry-After</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The retry options, or <see langword="null"/> for defaults.</param>
    /// <param name="timeProvider">The clock for delays, or <see langword="null"/> for the system clock.</param>
    /// <param name="meter">The meter retries are counted on, or <see langword="null"/>.</param>
    /// <param name="defaultRole">The role of requests that carry none.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseResilience(
        this ChatClientBuilder builder, ModelRetryOptions? options = null, TimeProvider? timeProvider = null, UsageMeter? meter = null,
        string defaultRole = ModelRoles.Task)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new ResilientChatClient(inner, options, timeProvider, meter, defaultRole));
    }
}
