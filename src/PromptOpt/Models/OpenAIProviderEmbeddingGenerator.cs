using Microsoft.Extensions.AI;
using EmbeddingClient = OpenAI.Embeddings.EmbeddingClient;

namespace PromptOpt.Models;

/// <summary>
/// The bottom of an embedding pipeline for an OpenAI(-compatible) <c>/embeddings</c> endpoint (OpenAI API, Ollama, vLLM,
/// llama.cpp, LM Studio, …): Microsoft.Extensions.AI.OpenAI's generator (<c>EmbeddingClient.AsIEmbeddingGenerator()</c>)
/// with PromptOpt's edges around it. All inputs of one call go in one request, in order;
/// <see cref="EmbeddingGenerationOptions.Dimensions"/> is passed on; the vectors come back in input order with the model id
/// and the reported input tokens.
/// </summary>
/// <remarks>
/// Failures become one-line <see cref="ModelCallException"/>s (see <see cref="ProviderCall"/>), marked transient for 429,
/// 5xx, timeouts, dropped connections and malformed replies (including a reply with the wrong number of vectors or an
/// empty one), so the retry middleware decides what to do; the SDK's own retry is off. An empty input list makes no
/// request. Batching is the caller's: see <see cref="BatchingEmbeddingGenerator"/>. Thread-safe.
/// </remarks>
internal sealed class OpenAIProviderEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly string _model;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly ProviderCall _site;

    /// <summary>Initializes a new instance of the <see cref="OpenAIProviderEmbeddingGenerator"/> class.</summary>
    /// <param name="client">The SDK client (its own retry off).</param>
    /// <param name="model">The model the client was created for.</param>
    /// <param name="providerName">The provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="apiKeyVariable">The key variable's name, for messages.</param>
    /// <param name="apiKey">The key in use, only to mask it should a server echo it.</param>
    /// <param name="timeout">The network timeout, for messages.</param>
    /// <param name="timeProvider">The clock.</param>
    public OpenAIProviderEmbeddingGenerator(
        EmbeddingClient client, string model, string providerName, Uri endpoint, string? apiKeyVariable, string? apiKey, TimeSpan timeout,
        TimeProvider? timeProvider = null)
        : base(client.AsIEmbeddingGenerator())
    {
        _site = ProviderCall.Create(endpoint, model, "embeddings", apiKeyVariable, apiKey, timeout, timeProvider);
        _model = model;
        _metadata = new EmbeddingGeneratorMetadata(providerName, endpoint, model);
    }

    /// <inheritdoc />
    /// <exception cref="ModelCallException">The request failed, or the reply does not hold one non-empty vector per input.</exception>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        if (inputs.Count == 0)
        {
            return []; // the API rejects an empty input list
        }

        GeneratedEmbeddings<Embedding<float>> result;
        try
        {
            result = await _site.InvokeAsync(ct => base.GenerateAsync(inputs, options, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException)
        {
            // The reply parsed but is not the shape the SDK expects (e.g. no "data"): as good as malformed.
            throw _site.Malformed(ex);
        }

        if (result.Count != inputs.Count)
        {
            throw _site.Malformed(new InvalidDataException($"expected {inputs.Count} embeddings, got {result.Count}"));
        }

        for (int i = 0; i < result.Count; i++)
        {
            if (result[i].Vector.IsEmpty)
            {
                throw _site.Malformed(new InvalidDataException($"embedding {i} is empty"));
            }

            if (string.IsNullOrEmpty(result[i].ModelId))
            {
                result[i].ModelId = _model;
            }
        }

        return result;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : base.GetService(serviceType, serviceKey);
    }
}
