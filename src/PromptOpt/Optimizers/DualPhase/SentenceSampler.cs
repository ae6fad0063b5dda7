namespace PromptOpt.Optimizers.DualPhase;

/// <summary>
/// The EXP3 sentence weights of Dual-Phase phase 2 (ALGORITHMS.md 2.2 phase 2 steps 1, 3.1 and 3.5), one per editable
/// sentence, kept in log space so that repeated multiplicative updates never overflow (ALGORITHMS.md 2.7).
/// </summary>
internal sealed class SentenceSampler
{
    /// <summary>The largest log-weight kept, so that w = exp(log w) stays a finite double (the softmax option exponentiates w again, shifted by the maximum).</summary>
    internal const double MaxLogWeight = 700;

    private readonly double[] _logWeights;

    /// <summary>Initializes a new instance of the <see cref="SentenceSampler"/> class.</summary>
    /// <param name="count">The number of editable sentences n.</param>
    /// <param name="sampling">How weights become probabilities.</param>
    /// <param name="gamma">EXP3's uniform mix γ.</param>
    public SentenceSampler(int count, SentenceSampling sampling, double gamma)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _logWeights = new double[count]; // Dual-Phase 2.2 phase 2 step 1: initial weights w_i = 1 (log-weight 0)
        Sampling = sampling;
        Gamma = gamma;
    }

    /// <summary>Gets how weights become probabilities.</summary>
    public SentenceSampling Sampling { get; }

    /// <summary>Gets γ.</summary>
    public double Gamma { get; }

    /// <summary>Gets the number of sentences n.</summary>
    public int Count => _logWeights.Length;

    /// <summary>Gets a sentence's log-weight.</summary>
    /// <param name="index">The editable-sentence ordinal.</param>
    /// <returns>log w_i.</returns>
    public double LogWeight(int index) => _logWeights[index];

    /// <summary>Gets a sentence's weight w_i = exp(log w_i).</summary>
    /// <param name="index">The editable-sentence ordinal.</param>
    /// <returns>w_i.</returns>
    public double Weight(int index) => Math.Exp(_logWeights[index]);

    /// <summary>Computes the sampling probabilities (Dual-Phase 2.2 phase 2 step 3.1, Eq. 5).</summary>
    /// <returns>p_i for every sentence; they sum to 1.</returns>
    public double[] Probabilities()
    {
        int n = _logWeights.Length;
        var p = new double[n];
        if (n == 0)
        {
            return p;
        }

        if (Sampling == SentenceSampling.Softmax)
        {
            // [R]: p_i = exp(w_i) / Σ exp(w_j) with w_i = exp(log w_i); shift by the largest w for stability.
            var w = _logWeights.Select(Math.Exp).ToArray();
            double max = w.Max();
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                p[i] = Math.Exp(w[i] - max);
                sum += p[i];
            }

            for (int i = 0; i < n; i++)
            {
                p[i] /= sum;
            }

            return p;
        }

        // Textbook EXP3: p_i = (1 − γ)·w_i / Σ w_j + γ / n, with w_i / Σ w_j = exp(log w_i − logsumexp(log w)).
        double m = _logWeights.Max();
        double z = _logWeights.Sum(l => Math.Exp(l - m));
        for (int i = 0; i < n; i++)
        {
            p[i] = ((1 - Gamma) * Math.Exp(_logWeights[i] - m) / z) + (Gamma / n);
        }

        return p;
    }

    /// <summary>Samples a sentence with the current probabilities using one draw of <paramref name="rng"/>.</summary>
    /// <param name="rng">The run's seeded random source.</param>
    /// <returns>The sampled ordinal and the probability it had.</returns>
    /// <exception cref="InvalidOperationException">There are no sentences.</exception>
    public (int Index, double Probability) Sample(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (_logWeights.Length == 0)
        {
            throw new InvalidOperationException("there are no editable sentences to sample");
        }

        var p = Probabilities();
        double u = rng.NextDouble();
        double acc = 0;
        for (int i = 0; i < p.Length; i++)
        {
            acc += p[i];
            if (u < acc)
            {
                return (i, p[i]);
            }
        }

        return (p.Length - 1, p[^1]); // rounding: u was within ε of 1
    }

    /// <summary>
    /// The EXP3 importance-weighted update of the edited sentence ONLY (Dual-Phase 2.2 phase 2 step 3.5, Eq. 9):
    /// w_i ← w_i·exp(μ·r / (n·p_i)), i.e. log w_i += μ·r / (n·p_i), capped at <see cref="MaxLogWeight"/>.
    /// </summary>
    /// <param name="index">The edited sentence.</param>
    /// <param name="reward">r = α·A_new + (1 − α)·A_F.</param>
    /// <param name="probability">p_i when it was sampled.</param>
    /// <param name="learningRate">μ.</param>
    /// <returns>The increment applied to log w_i.</returns>
    public double Update(int index, double reward, double probability, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(probability);
        double delta = learningRate * reward / (_logWeights.Length * probability);
        double before = _logWeights[index];
        _logWeights[index] = Math.Min(MaxLogWeight, before + delta);
        return _logWeights[index] - before;
    }
}
