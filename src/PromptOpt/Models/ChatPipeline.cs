using Microsoft.Extensions.AI;
using PromptOpt.Storage;

namespace PromptOpt.Models;

/// <summary>
/// A tiny builder of middleware chains over an <see cref="IChatClient"/>, following MEAI's rule: the first
/// <see cref="Use"/> is the outermost layer, the last is closest to the provider.
/// </summary>
/// <example>
/// <code>
/// IChatClient model = new ChatPipeline(provider)
///     .UseUsageTracking(meter)     // outermost: counts cache hits too
///     .UseCache(store)
///     .UseConcurrencyLimit(8)
///     .UseResilience(retry)        // innermost: retries real calls only
///     .Build();
/// </code>
/// </example>
public sealed class ChatPipeline
{
    private readonly IChatClient _innerClient;
    private readonly List<Func<IChatClient, IChatClient?>> _factories = [];

    /// <summary>Initializes a new instance of the <see cref="ChatPipeline"/> class.</summary>
    /// <param name="innerClient">The provider at the bottom of the chain.</param>
    public ChatPipeline(IChatClient innerClient)
    {
        ArgumentNullException.ThrowIfNull(innerClient);
        _innerClient = innerClient;
    }

    /// <summary>Adds a layer below the ones added before it.</summary>
    /// <param name="factory">Wraps the client below into a new layer.</param>
    /// <returns>This builder.</returns>
    public ChatPipeline Use(Func<IChatClient, IChatClient?> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factories.Add(factory);
        return this;
    }

    /// <summary>Builds the chain: the last layer wraps the provider, the first wraps everything.</summary>
    /// <returns>The outermost client.</returns>
    /// <exception cref="InvalidOperationException">A factory returned <see langword="null"/>; the message names its index.</exception>
    public IChatClient Build()
    {
        var client = _innerClient;
        for (int i = _factories.Count - 1; i >= 0; i--)
        {
            client = _factories[i](client)
                ?? throw new InvalidOperationException($"The {nameof(ChatPipeline)} factory at index {i} returned null.");
        }

        return client;
    }
}

/// <summary>The <c>Use…</c> extensions that add PromptOpt's middleware to a <see cref="ChatPipeline"/>.</summary>
public static class ChatPipelineExtensions
{
    /// <summary>Adds <see cref="UsageTrackingChatClient"/> (usage metering and budget).</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="meter">The meter.</param>
    /// <param name="defaultRole">The role of requests that carry none.</param>
    /// <returns>The pipeline.</returns>
    public static ChatPipeline UseUsageTracking(this ChatPipeline pipeline, UsageMeter meter, string defaultRole = ModelRoles.Task)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(meter);
        return pipeline.Use(inner => new UsageTrackingChatClient(inner, meter, defaultRole));
    }

    /// <summary>Adds <see cref="CachingChatClient"/> over <paramref name="cache"/>.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="cache">The cache.</param>
    /// <returns>The pipeline.</returns>
    public static ChatPipeline UseCache(this ChatPipeline pipeline, IResponseCache cache)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(cache);
        return pipeline.Use(inner => new CachingChatClient(inner, cache));
    }

    /// <summary>Adds <see cref="ThrottlingChatClient"/> (a concurrency limit).</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="maxConcurrency">The maximum number of concurrent calls.</param>
    /// <returns>The pipeline.</returns>
    public static ChatPipeline UseConcurrencyLimit(this ChatPipeline pipeline, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return pipeline.Use(inner => new ThrottlingChatClient(inner, maxConcurrency));
    }

    /// <summary>Adds <see cref="ResilientChatClient"/> (retry of transient failures).</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="options">The retry options, or <see langword="null"/> for defaults.</param>
    /// <param name="timeProvider">The clock for delays, or <see langword="null"/> for the system clock.</param>
    /// <param name="meter">The meter retries are counted on, or <see langword="null"/>.</param>
    /// <param name="defaultRole">The role of requests that carry none.</param>
    /// <returns>The pipeline.</returns>
    public static ChatPipeline UseResilience(
        this ChatPipeline pipeline, ModelRetryOptions? options = null, TimeProvider? timeProvider = null, UsageMeter? meter = null,
        string defaultRole = ModelRoles.Task)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return pipeline.Use(inner => new ResilientChatClient(inner, options, timeProvider, meter, defaultRole));
    }
}
