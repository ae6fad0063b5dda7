namespace PromptOpt.Optimizers.Expo;

/// <summary>Options of the <see cref="HashingEmbeddingGenerator"/>.</summary>
public sealed record HashingEmbeddingOptions
{
    /// <summary>Gets the embedding dimension (number of hash buckets).</summary>
    /// <value>The default is 512 (ALGORITHMS.md §5).</value>
    public int Dimensions { get; init; } = 512;

    /// <summary>Gets the weight of each word unigram and bigram feature.</summary>
    /// <value>The default is 1.</value>
    public float WordWeight { get; init; } = 1.0f;

    /// <summary>Gets the weight of each character n-gram feature (there are many more of them than word features).</summary>
    /// <value>The default is 0.2 (our choice: words and character n-grams then contribute comparable mass).</value>
    public float CharWeight { get; init; } = 0.2f;

    /// <summary>Gets the smallest character n-gram length.</summary>
    /// <value>The default is 3.</value>
    public int MinCharN { get; init; } = 3;

    /// <summary>Gets the largest character n-gram length.</summary>
    /// <value>The default is 5.</value>
    public int MaxCharN { get; init; } = 5;
}
