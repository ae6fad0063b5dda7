using System.Text;
using Microsoft.Extensions.AI;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// A built-in, weight-free text embedder (DESIGN.md "The model seam"): word unigrams and bigrams plus character
/// 3–5-grams of the lower-cased, whitespace-collapsed text, signed-feature-hashed into a fixed dimension and
/// L2-normalised. Deterministic across processes and platforms; empty text embeds to the zero vector.
/// </summary>
/// <remarks>Thread-safe and allocation-light; no I/O.</remarks>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name reported in the metadata.</summary>
    public const string ProviderName = "promptopt-hashing";

    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Initializes a new instance of the <see cref="HashingEmbeddingGenerator"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    public HashingEmbeddingGenerator(HashingEmbeddingOptions? options = null)
    {
        Options = options ?? new();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Dimensions, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MinCharN, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxCharN, Options.MinCharN, nameof(options));
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, null, $"hashing-{Options.Dimensions}", Options.Dimensions);
    }

    /// <summary>Gets the options.</summary>
    public HashingEmbeddingOptions Options { get; }

    /// <summary>Gets the embedding dimension.</summary>
    public int Dimensions => Options.Dimensions;

    /// <summary>Embeds one text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The L2-normalised vector (all zeros for text without features).</returns>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var v = new double[Options.Dimensions];
        var norm = Normalize(text);

        // Word unigrams and bigrams.
        var words = norm.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray()))
            .Where(w => w.Length > 0)
            .ToArray();
        for (int i = 0; i < words.Length; i++)
        {
            Add(v, Hash("w", words[i]), Options.WordWeight);
            if (i + 1 < words.Length)
            {
                Add(v, Hash("b", words[i] + " " + words[i + 1]), Options.WordWeight);
            }
        }

        // Character n-grams over the padded text.
        if (norm.Length > 0)
        {
            var padded = " " + norm + " ";
            for (int n = Options.MinCharN; n <= Options.MaxCharN; n++)
            {
                for (int i = 0; i + n <= padded.Length; i++)
                {
                    Add(v, Hash("c", padded.AsSpan(i, n)), Options.CharWeight);
                }
            }
        }

        double sq = 0;
        foreach (var x in v)
        {
            sq += x * x;
        }

        var result = new float[v.Length];
        if (sq > 0)
        {
            double inv = 1 / Math.Sqrt(sq);
            for (int i = 0; i < v.Length; i++)
            {
                result[i] = (float)(v[i] * inv);
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value)) { ModelId = _metadata.DefaultModelId });
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
        // Nothing to release.
    }

    private static string Normalize(string text) => TextNormalization.CollapseLower(text);

    private static void Add(double[] v, ulong h, float weight)
    {
        int index = (int)((h >> 1) % (ulong)v.Length);
        v[index] += (h & 1) == 0 ? weight : -weight;
    }

    private static ulong Hash(string kind, ReadOnlySpan<char> feature)
    {
        ulong h = 14695981039346656037UL; // FNV-1a 64 over UTF-16 code units, then a SplitMix64 finaliser
        foreach (var ch in kind)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        h = (h ^ 0x1F) * 1099511628211UL;
        foreach (var ch in feature)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        return StableHash.Finalize(h);
    }
}
