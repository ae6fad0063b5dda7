using Microsoft.Extensions.AI;

namespace PromptOpt.Simulation.SentenceEncoding;

/// <summary>
/// The real all-MiniLM-L6-v2 sentence encoder (<see cref="MiniLmEncoder"/>) as an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>,
/// the embedder named <c>minilm</c> (<c>--embedder minilm</c>). Offline, free and deterministic: it is a real model, not
/// a simulated one, so its vectors are the same wherever it runs. A text is encoded whole (truncated at
/// <see cref="MiniLmEncoder.MaxTokens"/> word pieces).
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The embedder spec name.</summary>
    public const string Name = "minilm";

    /// <summary>The provider name reported in the metadata.</summary>
    public const string ProviderName = "promptopt-minilm";

    private readonly MiniLmEncoder _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata = new(ProviderName, null, MiniLmEncoder.ModelName, MiniLmEncoder.Dimensions);

    /// <summary>Initializes a new instance of the <see cref="MiniLmEmbeddingGenerator"/> class.</summary>
    /// <param name="encoder">The encoder, or <see langword="null"/> for the process-wide <see cref="MiniLmEncoder.Shared"/>.</param>
    public MiniLmEmbeddingGenerator(MiniLmEncoder? encoder = null) => _encoder = encoder ?? MiniLmEncoder.Shared;

    /// <inheritdoc/>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        var vectors = _encoder.Encode(values.ToList());
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (var v in vectors)
        {
            result.Add(new Embedding<float>((float[])v.Clone()) { ModelId = MiniLmEncoder.ModelName });
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The encoder is shared; it lives as long as the process.
    }
}
