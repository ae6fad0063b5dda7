using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>
/// Splits a call into requests of at most <see cref="MaxBatchSize"/> inputs, made one after another, and joins their
/// embeddings (in input order) and usage. The outermost embedding middleware, so each request below it is metered,
/// cached and retried on its own.
/// </summary>
/// <remarks>Cost: ⌈n / <see cref="MaxBatchSize"/>⌉ requests for n inputs. Thread-safe.</remarks>
public sealed class BatchingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Initializes a new instance of the <see cref="BatchingEmbeddingGenerator"/> class.</summary>
    /// <param name="innerGenerator">The inner generator.</param>
    /// <param name="maxBatchSize">The most inputs per request (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchSize"/> is less than 1.</exception>
    public BatchingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, int maxBatchSize)
        : base(innerGenerator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        MaxBatchSize = maxBatchSize;
    }

    /// <summary>Gets the most inputs per request.</summary>
    public int MaxBatchSize { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A request returned a different number of embeddings than it was sent inputs.</exception>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        if (inputs.Count <= MaxBatchSize)
        {
            return await base.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        UsageDetails? usage = null;
        foreach (var batch in inputs.Chunk(MaxBatchSize))
        {
            var part = await base.GenerateAsync(batch, options, cancellationToken).ConfigureAwait(false);
            if (part.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedder returned {part.Count} embeddings for {batch.Length} inputs.");
            }

            result.AddRange(part);
            if (part.Usage is { } u)
            {
                usage ??= new UsageDetails();
                usage.Add(u);
            }
        }

        result.Usage = usage;
        return result;
    }
}
