namespace PromptOpt.Storage;

/// <summary>A cached, complete, successful response: its serialized <c>ChatResponse</c> JSON and its original usage.</summary>
/// <param name="ResponseJson">The serialized response.</param>
/// <param name="ModelId">The model id that produced it.</param>
/// <param name="InputTokens">Original input tokens.</param>
/// <param name="OutputTokens">Original output tokens.</param>
public sealed record CachedResponse(string ResponseJson, string? ModelId, long InputTokens, long OutputTokens);

/// <summary>The response cache behind the caching middleware. Implementations are thread-safe.</summary>
public interface IResponseCache
{
    /// <summary>Looks up a key.</summary>
    /// <param name="key">The versioned hash key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The cached response, or <see langword="null"/>.</returns>
    ValueTask<CachedResponse?> TryGetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores a response (only complete, successful responses are ever passed here).</summary>
    /// <param name="key">The versioned hash key.</param>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    ValueTask PutAsync(string key, CachedResponse response, CancellationToken cancellationToken = default);
}
