using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using PromptOpt.Storage;

namespace PromptOpt.Models;

/// <summary>
/// Answers repeated requests from an <see cref="IResponseCache"/>, so a repeated or resumed run pays for no call twice.
/// The key is a versioned hash of the model, the messages, every output-changing option and the sample index (see
/// <see cref="CacheFormatVersion"/>).
/// </summary>
/// <remarks>
/// <para>Only complete, successful responses are stored, and each is committed to the cache <em>before</em> it is
/// returned (with no cancellation), so a kill right after a paid call loses nothing. Failures and cancellations are
/// never cached, so a retry can succeed. Requests with a <see cref="ChatOptions.ConversationId"/> bypass the cache.</para>
/// <para>A hit is a fresh copy of the stored response, tagged <see cref="ChatOptionKeys.CacheHit"/> and carrying its original
/// <see cref="ChatResponse.Usage"/>. Concurrent identical misses are deduplicated in flight: one caller makes the call and
/// the others receive it as a cache hit. Thread-safe.</para>
/// <para>When the cache is shared by several processes and can record claims (<see cref="IResponseCacheClaims"/>, e.g. the
/// SQLite store opened read-write), the one caller per key that misses in this process first claims the key in the
/// store: if another live process holds the claim, it polls the cache (20 ms doubling to 250 ms) until that process's
/// response appears (returned as a cache hit, not paid) or the claim ends without one or goes stale (the holder died, or
/// <see cref="ResponseCacheOptions.ClaimTimeout"/> passed), and then claims and calls itself. A failed or cancelled
/// call releases its claim. Hits never touch claims.</para>
/// </remarks>
public sealed class ResponseCacheChatClient : DelegatingChatClient
{
    /// <summary>The cache-key format version. Bump it whenever the hashed request shape or the stored response shape changes.</summary>
    public const int CacheFormatVersion = 1;

    private readonly IResponseCache _cache;
    private readonly string _scope;
    private readonly string? _defaultModelId;
    private readonly ConcurrentDictionary<string, Task<CachedResponse?>> _inFlight = new(StringComparer.Ordinal);
    private readonly ResponseCacheClaimGate? _claims;

    /// <summary>Initializes a new instance of the <see cref="ResponseCacheChatClient"/> class.</summary>
    /// <param name="innerClient">The inner client.</param>
    /// <param name="cache">The cache.</param>
    public ResponseCacheChatClient(IChatClient innerClient, IResponseCache cache)
        : this(innerClient, cache, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ResponseCacheChatClient"/> class.</summary>
    /// <param name="innerClient">The inner client.</param>
    /// <param name="cache">The cache.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ResponseCacheOptions.ClaimTimeout"/> is not positive.</exception>
    public ResponseCacheChatClient(IChatClient innerClient, IResponseCache cache, ResponseCacheOptions? options)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _claims = ResponseCacheClaimGate.For(cache, options);
        var metadata = innerClient.GetService<ChatClientMetadata>();
        _defaultModelId = metadata?.DefaultModelId;
        _scope = $"{metadata?.ProviderName ?? "unknown"}/{metadata?.DefaultModelId ?? "unknown"}";
    }

    /// <summary>Computes the cache key this client uses for a request.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The key.</returns>
    public string GetCacheKey(IEnumerable<ChatMessage> messages, ChatOptions? options) => CacheKey.Compute(_scope, messages, options);

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (options?.ConversationId is not null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var key = GetCacheKey(list, options);
        while (true)
        {
            if (await _cache.TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } hit)
            {
                return ToResponse(hit);
            }

            var leader = new TaskCompletionSource<CachedResponse?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.TryAdd(key, leader.Task))
            {
                return await LeadAsync(key, list, options, leader, cancellationToken).ConfigureAwait(false);
            }

            if (_inFlight.TryGetValue(key, out var pending))
            {
                // Another caller is making this very request: wait for it rather than pay twice. If it fails (or is
                // cancelled), loop and try ourselves: failures are never shared.
                if (await pending.WaitAsync(cancellationToken).ConfigureAwait(false) is { } shared)
                {
                    return ToResponse(shared);
                }
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Makes one (cached) non-streaming call and returns it as updates.</remarks>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    private static string Serialize(ChatResponse response)
    {
        // Never store the hit tag (an inner cache may have set it): stored entries are plain responses.
        AdditionalPropertiesDictionary? props = null;
        if (response.AdditionalProperties is { } original && original.ContainsKey(ChatOptionKeys.CacheHit))
        {
            props = new AdditionalPropertiesDictionary(original);
            props.Remove(ChatOptionKeys.CacheHit);
        }

        var copy = new ChatResponse(response.Messages)
        {
            ResponseId = response.ResponseId,
            ConversationId = response.ConversationId,
            ModelId = response.ModelId,
            CreatedAt = response.CreatedAt,
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            AdditionalProperties = props ?? response.AdditionalProperties,
        };
        return JsonSerializer.Serialize(copy, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)));
    }

    private async Task<ChatResponse> LeadAsync(
        string key, IReadOnlyList<ChatMessage> messages, ChatOptions? options, TaskCompletionSource<CachedResponse?> leader,
        CancellationToken cancellationToken)
    {
        CachedResponse? stored = null;
        RunLeaseHolder? claim = null;
        bool claimEnded = false;
        try
        {
            // A previous leader stores before it leaves the in-flight map, so this second look closes the race. With
            // claims the claim itself looks (it is refused as "answered" for a stored key), so one read fewer per miss.
            if (_claims is null && await _cache.TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } hit)
            {
                stored = hit;
                return ToResponse(hit);
            }

            if (_claims is not null)
            {
                // Another process may be making this very call: wait for its answer rather than pay twice.
                (claim, var shared) = await _claims.ClaimAsync(key, cancellationToken).ConfigureAwait(false);
                if (shared is not null)
                {
                    stored = shared;
                    return ToResponse(shared);
                }
            }

            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            if (response.ContinuationToken is null)
            {
                var entry = new CachedResponse(Serialize(response), response.ModelId ?? _defaultModelId,
                    response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0);

                // Paid for: commit it even if the caller has just been cancelled. Storing ends the claim too.
                await _cache.PutAsync(key, entry, CancellationToken.None).ConfigureAwait(false);
                stored = entry;
                claimEnded = true;
            }

            return response;
        }
        finally
        {
            if (claim is not null)
            {
                await _claims!.ReleaseAsync(key, claim, claimEnded).ConfigureAwait(false);
            }

            _inFlight.TryRemove(key, out _);
            leader.TrySetResult(stored);
        }
    }

    private ChatResponse ToResponse(CachedResponse hit)
    {
        var response = JsonSerializer.Deserialize(hit.ResponseJson, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse))) as ChatResponse
            ?? throw new InvalidOperationException("A cached response could not be read; delete the cache entry or bump CacheFormatVersion.");
        response.ModelId ??= hit.ModelId ?? _defaultModelId;
        response.Usage ??= new UsageDetails
        {
            InputTokenCount = hit.InputTokens,
            OutputTokenCount = hit.OutputTokens,
            TotalTokenCount = hit.InputTokens + hit.OutputTokens,
        };
        response.AdditionalProperties ??= [];
        response.AdditionalProperties[ChatOptionKeys.CacheHit] = true;
        return response;
    }
}
