namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// Exponential weights (Hedge / EXP3 sampling, ALGORITHMS.md §1.2 step 3.1): P(a) ∝ exp(η·S(a)), computed in log space
/// (the maximum is subtracted before exponentiating), optionally mixed with the uniform distribution:
/// P'(a) = (1 − γ)·P(a) + γ/K.
/// </summary>
internal sealed class ExponentialWeightsSampler
{
    /// <summary>Initializes a new instance of the <see cref="ExponentialWeightsSampler"/> class.</summary>
    /// <param name="eta">The learning rate η ≥ 0 (0 gives the uniform distribution).</param>
    /// <param name="gamma">The uniform-mix weight γ in [0, 1].</param>
    public ExponentialWeightsSampler(double eta, double gamma = 0)
    {
        if (!(eta >= 0) || double.IsPositiveInfinity(eta))
        {
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "η must be finite and non-negative.");
        }

        if (!(gamma >= 0 && gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be in [0, 1].");
        }

        Eta = eta;
        Gamma = gamma;
    }

    /// <summary>Gets the learning rate η.</summary>
    public double Eta { get; }

    /// <summary>Gets the uniform-mix weight γ.</summary>
    public double Gamma { get; }

    /// <summary>The default rate η = sqrt(8·ln K / T) (ALGORITHMS.md §5: the full-information Hedge rate).</summary>
    /// <param name="armCount">The number of arms K.</param>
    /// <param name="horizon">The horizon T.</param>
    /// <returns>η (0 when K = 1).</returns>
    public static double DefaultEta(int armCount, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(armCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        return Math.Sqrt(8 * Math.Log(armCount) / horizon);
    }

    /// <summary>Computes the sampling distribution for cumulative scores <paramref name="scores"/>.</summary>
    /// <param name="scores">S(a) per arm (finite).</param>
    /// <returns>The probabilities (sum 1).</returns>
    public double[] Probabilities(ReadOnlySpan<double> scores)
    {
        if (scores.IsEmpty)
        {
            throw new ArgumentException("There must be at least one arm.", nameof(scores));
        }

        double max = double.NegativeInfinity;
        foreach (var s in scores)
        {
            max = Math.Max(max, Eta * s);
        }

        var p = new double[scores.Length];
        double total = 0;
        for (int a = 0; a < p.Length; a++)
        {
            p[a] = Math.Exp((Eta * scores[a]) - max);
            total += p[a];
        }

        double uniform = 1.0 / p.Length;
        for (int a = 0; a < p.Length; a++)
        {
            p[a] = ((1 - Gamma) * p[a] / total) + (Gamma * uniform);
        }

        return p;
    }

    /// <summary>Samples an arm for cumulative scores <paramref name="scores"/>.</summary>
    /// <param name="scores">S(a) per arm.</param>
    /// <param name="random">The run's seeded random source.</param>
    /// <param name="probability">Receives the chosen arm's probability.</param>
    /// <returns>The arm index.</returns>
    public int Sample(ReadOnlySpan<double> scores, Random random, out double probability)
    {
        var p = Probabilities(scores);
        int a = SampleIndex(p, random);
        probability = p[a];
        return a;
    }

    /// <summary>Draws an index from a probability vector by inversion.</summary>
    /// <param name="probabilities">The probabilities (non-negative; normalised here).</param>
    /// <param name="random">The seeded random source.</param>
    /// <returns>The index.</returns>
    public static int SampleIndex(ReadOnlySpan<double> probabilities, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (probabilities.IsEmpty)
        {
            throw new ArgumentException("There must be at least one arm.", nameof(probabilities));
        }

        double total = 0;
        foreach (var p in probabilities)
        {
            total += p;
        }

        double u = random.NextDouble() * total, acc = 0;
        int last = 0;
        for (int a = 0; a < probabilities.Length; a++)
        {
            if (probabilities[a] <= 0)
            {
                continue;
            }

            last = a;
            acc += probabilities[a];
            if (u < acc)
            {
                return a;
            }
        }

        return last;
    }
}
