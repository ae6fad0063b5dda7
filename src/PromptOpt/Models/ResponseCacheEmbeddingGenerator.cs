using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using PromptOpt.Storage;

namespace PromptOpt.Models;

/// <summary>
/// Answers repeated embedding requests from the run's <see cref="IResponseCache"/>, so a repeated or resumed run pays for
/// no request twice and gets bit-identical vectors (provider embeddings are not exactly reproducible, and EXPO's choices
/// depend on them; different vectors would make a resumed run diverge from its cached agent calls). The key is a versioned
/// hash of the provider, the model, the requested dimensions and the inputs in order (<see cref="CacheFormatVersion"/>).
/// </summary>
/// <remarks>
/// Only complete, successful replies are stored, and each is committed before it is returned (with no cancellation).
/// A hit carries its original input tokens and is tagged <see cref="ChatOptionKeys.CacheHit"/>. Vectors are stored as
/// base64 of their little-endian float32 bytes. Thread-safe. Across processes sharing a store that records claims, a miss
/// is claimed first, as <see cref="ResponseCacheChatClient"/> does (the same protocol and <see cref="ResponseCacheOptions"/>),
/// so two processes making the same request at once pay for it once.
/// </remarks>
public sealed class ResponseCacheEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The cache-key format version. Bump it whenever the hashed request shape or the stored shape changes.</summary>
    public const int CacheFormatVersion = 1;

    private readonly IResponseCache _cache;
    private readonly string _scope;
    private readonly string? _defaultModelId;
    private readonly ResponseCacheClaimGate? _claims;

    /// <summary>Initializes a new instance of the <see cref="ResponseCacheEmbeddingGenerator"/> class.</summary>
    /// <param name="innerGenerator">The inner generator.</param>
    /// <param name="cache">The cache (shared with the chat models; embedding keys never collide with chat keys).</param>
    public ResponseCacheEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, IResponseCache cache)
        : this(innerGenerator, cache, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ResponseCacheEmbeddingGenerator"/> class.</summary>
    /// <param name="innerGenerator">The inner generator.</param>
    /// <param name="cache">The cache (shared with the chat models; embedding keys never collide with chat keys).</param>
    /// <param name="options">The claim options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ResponseCacheOptions.ClaimTimeout"/> is not positive.</exception>
    public ResponseCacheEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, IResponseCache cache, ResponseCacheOptions? options)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _claims = ResponseCacheClaimGate.For(cache, options);
        var metadata = innerGenerator.GetService<EmbeddingGeneratorMetadata>();
        _defaultModelId = metadata?.DefaultModelId;
        _scope = $"{metadata?.ProviderName ?? "unknown"}/{metadata?.ProviderUri}/{metadata?.DefaultModelId ?? "unknown"}";
    }

    /// <summary>Computes the cache key of a request.</summary>
    /// <param name="values">The inputs.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The key, <c>emb-v{version}-{64 hex digits}</c>.</returns>
    public string GetCacheKey(IEnumerable<string> values, EmbeddingGenerationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(values);
        return CacheKey.ComputeEmbeddings(_scope, values, options);
    }

    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        var key = GetCacheKey(inputs, options);
        if (await _cache.TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } hit && FromCache(hit, inputs.Count) is { } cached)
        {
            return cached;
        }

        if (_claims is null)
        {
            return await PayAsync(key, inputs, options, cancellationToken).ConfigureAwait(false);
        }

        // Another process may be making this very request: wait for its answer rather than pay twice.
        var (claim, shared) = await _claims.ClaimAsync(key, cancellationToken).ConfigureAwait(false);
        if (shared is not null && FromCache(shared, inputs.Count) is { } fromOther)
        {
            return fromOther;
        }

        bool stored = false;
        try
        {
            var result = await PayAsync(key, inputs, options, cancellationToken).ConfigureAwait(false);
            stored = true; // storing the answer ended the claim
            return result;
        }
        finally
        {
            if (claim is not null)
            {
                await _claims.ReleaseAsync(key, claim, stored).ConfigureAwait(false);
            }
        }
    }

    private async Task<GeneratedEmbeddings<Embedding<float>>> PayAsync(
        string key, IReadOnlyList<string> inputs, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        var result = await base.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);
        var modelId = result.Count > 0 ? result[0].ModelId ?? _defaultModelId : _defaultModelId;
        var vectors = result.Select(e => Convert.ToBase64String(MemoryMarshal.AsBytes(e.Vector.Span))).ToArray();
        var entry = new CachedResponse(JsonSerializer.Serialize(vectors), modelId, result.Usage?.InputTokenCount ?? 0, 0);

        // Paid for: commit it even if the caller has just been cancelled. Storing ends a claim too.
        await _cache.PutAsync(key, entry, CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    /// <summary>Rebuilds a stored reply, or returns <see langword="null"/> when the entry is unreadable (then the request is made again).</summary>
    private GeneratedEmbeddings<Embedding<float>>? FromCache(CachedResponse hit, int expected)
    {
        float[][] vectors;
        try
        {
            vectors = JsonSerializer.Deserialize<string[]>(hit.ResponseJson)?
                .Select(v => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(v)).ToArray()).ToArray() ?? [];
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }

        if (vectors.Length != expected)
        {
            return null;
        }

        var model = hit.ModelId ?? _defaultModelId;
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = model }))
        {
            Usage = new UsageDetails { InputTokenCount = hit.InputTokens, TotalTokenCount = hit.InputTokens },
            AdditionalProperties = new() { [ChatOptionKeys.CacheHit] = true },
        };
    }
}
