namespace PromptOpt.Optimizers.Expo;

/// <summary>Options of the <see cref="ScoreNetwork"/> (ALGORITHMS.md §1.5, §5).</summary>
public sealed record ScoreNetworkOptions
{
    /// <summary>Gets the number of hidden ReLU units.</summary>
    /// <value>The default is 128 (our choice for 1024-d hashed inputs; the reimplementation uses 1536 for 6144-d).</value>
    public int HiddenUnits { get; init; } = 128;

    /// <summary>Gets the Adam learning rate.</summary>
    /// <value>The default is 1e-3.</value>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Gets Adam's β1.</summary>
    /// <value>The default is 0.9.</value>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Gets Adam's β2.</summary>
    /// <value>The default is 0.999.</value>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Gets Adam's ε.</summary>
    /// <value>The default is 1e-8.</value>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Gets the number of epochs over the training set per <see cref="ScoreNetwork.Fit"/>.</summary>
    /// <value>The default is 50.</value>
    public int Epochs { get; init; } = 50;

    /// <summary>Gets the mini-batch size, or <see langword="null"/> for full-batch training.</summary>
    /// <value>The default is 64 (a training set of at most 64 rows is one full batch).</value>
    public int? BatchSize { get; init; } = 64;

    /// <summary>Gets whether a fit continues from the current weights (and Adam state) instead of re-initialising.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool WarmStart { get; init; } = true;

    /// <summary>Gets the seed of the Kaiming initialisation and of the mini-batch shuffling.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }
}
