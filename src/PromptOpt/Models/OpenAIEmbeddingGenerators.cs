using Microsoft.Extensions.AI;
using OpenAI.Embeddings;

namespace PromptOpt.Models;

/// <summary>Creates embedding generators for the OpenAI API and OpenAI-compatible <c>/v1/embeddings</c> endpoints.</summary>
public static class OpenAIEmbeddingGenerators
{
    /// <summary>
    /// Creates an embedding generator for an embeddings endpoint: Microsoft.Extensions.AI.OpenAI's
    /// <c>AsIEmbeddingGenerator()</c> over the OpenAI SDK's <see cref="EmbeddingClient"/>, inside PromptOpt's error translation. The SDK's own retry is disabled, so the pipeline's retry
    /// middleware is the only one (see <see cref="ModelFactory.CreateEmbedder"/>); failures are one-line
    /// <see cref="ModelCallException"/>s. Each call sends all its inputs in one request (split them with
    /// <see cref="BatchingEmbeddingGenerator"/>).
    /// </summary>
    /// <param name="baseUrl">The base URL (e.g. <c>http://127.0.0.1:11434/v1</c>), or <see langword="null"/> for the OpenAI API.</param>
    /// <param name="model">The embedding model name (e.g. <c>text-embedding-3-small</c>, <c>nomic-embed-text</c>).</param>
    /// <param name="apiKey">The API key, or <see langword="null"/> for an endpoint that needs none. Kept in memory only.</param>
    /// <param name="timeout">The network timeout per request.</param>
    /// <param name="httpClient">The HTTP client to send requests with, or <see langword="null"/> for the SDK's shared one.</param>
    /// <param name="apiKeyVariable">The NAME of the variable the key came from, used in error messages.</param>
    /// <param name="timeProvider">The clock (for <c>Retry-After</c> dates), or <see langword="null"/> for the system clock.</param>
    /// <returns>The generator.</returns>
    /// <exception cref="ArgumentException">The model name is empty or the timeout is not positive.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> Create(
        Uri? baseUrl,
        string model,
        string? apiKey,
        TimeSpan timeout,
        HttpClient? httpClient = null,
        string? apiKeyVariable = ModelSpec.OpenAIKeyVariable,
        TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var endpoint = baseUrl ?? OpenAIClientSetup.OpenAIEndpoint;
        var client = new EmbeddingClient(model, OpenAIClientSetup.Credential(apiKey), OpenAIClientSetup.Options(endpoint, timeout, httpClient));
        return new OpenAIProviderEmbeddingGenerator(client, model, OpenAIClientSetup.ProviderName(baseUrl), endpoint, apiKeyVariable, apiKey, timeout, timeProvider);
    }
}
