using Microsoft.Extensions.AI;
using OpenAI.Embeddings;
using EmbeddingGenerationOptions = Microsoft.Extensions.AI.EmbeddingGenerationOptions;
using OA = OpenAI.Embeddings;

namespace PromptOpt.Models;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over the OpenAI SDK's <see cref="EmbeddingClient"/>
/// (<c>POST /embeddings</c>), for the OpenAI API and OpenAI-compatible servers (Ollama, vLLM, llama.cpp, LM Studio, …).
/// All inputs of one call go in one request, in order; <see cref="EmbeddingGenerationOptions.Dimensions"/> is passed on;
/// the reply's vectors are returned in input order with the model id and the reported input tokens.
/// </summary>
/// <remarks>
/// Failures become one-line <see cref="ModelCallException"/>s (see <see cref="ProviderCall"/>), marked transient for 429,
/// 5xx, timeouts, dropped connections and malformed replies (including a reply with the wrong number of vectors), so the
/// retry middleware decides what to do; the SDK's own retry is off. Batching is the caller's: see
/// <see cref="BatchingEmbeddingGenerator"/>. Thread-safe.
/// </remarks>
internal sealed class OpenAIEmbeddingGeneratorAdapter : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingClient _client;
    private readonly string _model;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly ProviderCall _site;

    /// <summary>Initializes a new instance of the <see cref="OpenAIEmbeddingGeneratorAdapter"/> class.</summary>
    /// <param name="client">The SDK client.</param>
    /// <param name="model">The model the client was created for.</param>
    /// <param name="providerName">The provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="apiKeyVariable">The key variable's name, for messages.</param>
    /// <param name="apiKey">The key in use, only to mask it should a server echo it.</param>
    /// <param name="timeout">The network timeout, for messages.</param>
    /// <param name="timeProvider">The clock.</param>
    public OpenAIEmbeddingGeneratorAdapter(
        EmbeddingClient client, string model, string providerName, Uri endpoint, string? apiKeyVariable, string? apiKey, TimeSpan timeout,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _site = ProviderCall.Create(endpoint, model, "embeddings", apiKeyVariable, apiKey, timeout, timeProvider);
        _client = client;
        _model = model;
        _metadata = new EmbeddingGeneratorMetadata(providerName, endpoint, model);
    }

    /// <inheritdoc />
    /// <exception cref="ModelCallException">The request failed.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        if (inputs.Count == 0)
        {
            return []; // the API rejects an empty input list
        }

        var sdkOptions = new OA.EmbeddingGenerationOptions { Dimensions = options?.Dimensions };
        var collection = (await _site.InvokeAsync(
            ct => _client.GenerateEmbeddingsAsync(inputs, sdkOptions, ct), cancellationToken).ConfigureAwait(false)).Value;
        try
        {
            return FromOpenAI(collection, inputs.Count, _model);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw _site.Malformed(ex);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType == typeof(EmbeddingClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The SDK client owns nothing that needs disposing; a caller-supplied HttpClient stays the caller's.
    }

    /// <summary>Converts the SDK's reply to MEAI embeddings in input order.</summary>
    /// <param name="collection">The reply.</param>
    /// <param name="expected">The number of inputs sent.</param>
    /// <param name="requestedModel">The requested model, used when the server does not name one.</param>
    /// <returns>The embeddings.</returns>
    /// <exception cref="InvalidDataException">The reply does not hold exactly one non-empty vector per input.</exception>
    internal static GeneratedEmbeddings<Embedding<float>> FromOpenAI(OpenAIEmbeddingCollection collection, int expected, string requestedModel)
    {
        var ordered = collection.OrderBy(e => e.Index).ToList();
        if (ordered.Count != expected || ordered.Select((e, i) => e.Index != i).Any(wrong => wrong))
        {
            throw new InvalidDataException($"expected {expected} embeddings (indices 0–{expected - 1}), got {ordered.Count}");
        }

        var model = string.IsNullOrEmpty(collection.Model) ? requestedModel : collection.Model;
        var result = new GeneratedEmbeddings<Embedding<float>>(ordered.Select(e => e.ToFloats() is { Length: > 0 } vector
            ? new Embedding<float>(vector) { ModelId = model }
            : throw new InvalidDataException($"embedding {e.Index} is empty")))
        {
            Usage = collection.Usage is { } u
                ? new UsageDetails { InputTokenCount = u.InputTokenCount, TotalTokenCount = u.TotalTokenCount }
                : null,
        };
        return result;
    }
}
