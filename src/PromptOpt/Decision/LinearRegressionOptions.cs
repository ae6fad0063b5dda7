namespace PromptOpt.Decision;

/// <summary>Options of OPRO's linear-regression task (ALGORITHMS.md §1.6): y = w·x + b + N(0, σ²) at x = 1…n.</summary>
public sealed record LinearRegressionOptions
{
    /// <summary>Gets the number of data points n (x = 1…n).</summary>
    /// <value>The default is 50 (OPRO).</value>
    public int Points { get; init; } = 50;

    /// <summary>Gets the true slope w, or <see langword="null"/> to draw an integer in [<see cref="StartMin"/>, <see cref="StartMax"/>] from the seed.</summary>
    /// <value>The default is <see langword="null"/> (drawn); OPRO uses 15.</value>
    public double? TrueSlope { get; init; }

    /// <summary>Gets the true intercept b, or <see langword="null"/> to draw an integer in [<see cref="StartMin"/>, <see cref="StartMax"/>] from the seed.</summary>
    /// <value>The default is <see langword="null"/> (drawn); OPRO uses 14.</value>
    public double? TrueIntercept { get; init; }

    /// <summary>Gets the standard deviation σ of the observation noise.</summary>
    /// <value>The default is 1 (OPRO).</value>
    public double NoiseSd { get; init; } = 1.0;

    /// <summary>Gets the number of random integer starting pairs.</summary>
    /// <value>The default is 5 (OPRO).</value>
    public int StartingPoints { get; init; } = 5;

    /// <summary>Gets the smallest starting coordinate (inclusive).</summary>
    /// <value>The default is 10 (OPRO).</value>
    public int StartMin { get; init; } = 10;

    /// <summary>Gets the largest starting coordinate (inclusive).</summary>
    /// <value>The default is 20 (OPRO).</value>
    public int StartMax { get; init; } = 20;

    /// <summary>Gets how many of the best pairs the exemplars block shows (worst to best).</summary>
    /// <value>The default is 20 (OPRO).</value>
    public int ExemplarCount { get; init; } = 20;

    /// <summary>Gets the horizon T (the default number of steps; one agent call per step).</summary>
    /// <value>The default is 100 (our choice; OPRO runs up to 500 steps of 8 proposals).</value>
    public int Horizon { get; init; } = 100;
}
