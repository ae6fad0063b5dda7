namespace PromptOpt.Optimizers.Mipro;

/// <summary>
/// A small Tree-structured Parzen Estimator over categorical choices (Bergstra et al. 2011; the sampler DSPy's MIPROv2
/// uses through optuna's <c>TPESampler</c>; ALGORITHMS.md 6, MIPROv2 step 3), maximising an objective. The first
/// <see cref="StartupTrials"/> suggestions are uniform; after that the observations are split into the best
/// γ(n) = min(⌈0.1·n⌉, 25) ("good") and the rest, each dimension gets a categorical density per group with a uniform
/// prior (optuna's categorical Parzen estimator: each observation a kernel with mass (1 + 1/K)/2 on its choice and
/// 1/(2K) on every other, mixed with a uniform prior of weight 1), g likewise over the rest, and the suggestion is the
/// best of <see cref="Candidates"/> draws from l by Σ log l − log g. Dimensions are independent (optuna's default
/// univariate TPE; DSPy asks for the multivariate one). Seeded: every draw comes from the random source it is given.
/// </summary>
internal sealed class TpeSampler
{
    private readonly int[] _cardinalities;
    private readonly Random _rng;
    private readonly List<(int[] X, double Y)> _observations = [];

    /// <summary>Initializes a new instance of the <see cref="TpeSampler"/> class.</summary>
    /// <param name="cardinalities">The number of choices of each dimension (each at least 1).</param>
    /// <param name="rng">The random source.</param>
    /// <param name="startupTrials">Uniform suggestions before the model is used (optuna's default 10).</param>
    /// <param name="candidates">Draws from l per suggestion (optuna's default 24).</param>
    /// <param name="preferUnseen">Whether a draw that was already observed loses to any unseen draw (for objectives that a
    /// repeat cannot improve; MIPRO's minibatch objective can, as in DSPy).</param>
    public TpeSampler(IReadOnlyList<int> cardinalities, Random rng, int startupTrials = 10, int candidates = 24, bool preferUnseen = false)
    {
        ArgumentNullException.ThrowIfNull(cardinalities);
        ArgumentNullException.ThrowIfNull(rng);
        if (cardinalities.Count == 0 || cardinalities.Any(c => c < 1))
        {
            throw new ArgumentException("every dimension needs at least one choice", nameof(cardinalities));
        }

        _cardinalities = [.. cardinalities];
        _rng = rng;
        StartupTrials = Math.Max(0, startupTrials);
        PreferUnseen = preferUnseen;
        Candidates = Math.Max(1, candidates);
    }

    /// <summary>Gets the number of uniform suggestions before the model is used.</summary>
    public int StartupTrials { get; }

    /// <summary>Gets whether an already observed draw loses to any unseen one.</summary>
    public bool PreferUnseen { get; }

    /// <summary>Gets the number of draws from l per suggestion.</summary>
    public int Candidates { get; }

    /// <summary>Gets the number of observations.</summary>
    public int Count => _observations.Count;

    /// <summary>Suggests the next point.</summary>
    /// <returns>One choice index per dimension.</returns>
    public int[] Suggest()
    {
        if (_observations.Count < StartupTrials || _observations.Count < 2)
        {
            return _cardinalities.Select(k => _rng.Next(k)).ToArray();
        }

        var ranked = _observations.Select((o, i) => (o, i)).OrderByDescending(x => x.o.Y).ThenBy(x => x.i).Select(x => x.o.X).ToList();
        int nGood = Math.Min((int)Math.Ceiling(0.1 * ranked.Count), 25);
        var good = ranked.Take(nGood).ToList();
        var bad = ranked.Skip(nGood).ToList();
        var l = _cardinalities.Select((k, d) => Density(good, d, k)).ToArray();
        var g = _cardinalities.Select((k, d) => Density(bad, d, k)).ToArray();

        int[]? best = null;
        double bestScore = double.NegativeInfinity;
        var seen = PreferUnseen ? _observations.Select(o => string.Join(',', o.X)).ToHashSet(StringComparer.Ordinal) : null;
        for (int c = 0; c < Candidates; c++)
        {
            var x = new int[_cardinalities.Length];
            double score = 0;
            for (int d = 0; d < x.Length; d++)
            {
                x[d] = Draw(l[d]);
                score += Math.Log(l[d][x[d]]) - Math.Log(g[d][x[d]]);
            }

            if (seen is not null && seen.Contains(string.Join(',', x)))
            {
                score -= 1e6; // ranks below every unseen draw, keeps its order among the seen ones
            }

            if (score > bestScore)
            {
                (best, bestScore) = (x, score);
            }
        }

        return best!;
    }

    /// <summary>Records the objective's value at a point (higher is better).</summary>
    /// <param name="x">The point (as suggested).</param>
    /// <param name="y">The value.</param>
    public void Observe(IReadOnlyList<int> x, double y)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != _cardinalities.Length)
        {
            throw new ArgumentException("the point has the wrong number of dimensions", nameof(x));
        }

        _observations.Add(([.. x], y));
    }

    // Optuna's categorical Parzen estimator: each observation is a smoothed kernel — mass (1 + w/K)/(1 + w) on its own
    // choice and (w/K)/(1 + w) on each other — and the mixture adds a uniform prior component of weight w = 1.
    private static double[] Density(List<int[]> group, int d, int k)
    {
        const double w = 1.0;
        var p = new double[k];
        for (int i = 0; i < k; i++)
        {
            p[i] = (w / k) + (group.Count * (w / k) / (1 + w));
        }

        foreach (var x in group)
        {
            p[x[d]] += 1 / (1 + w);
        }

        double total = group.Count + w;
        for (int i = 0; i < k; i++)
        {
            p[i] /= total;
        }

        return p;
    }

    private int Draw(double[] p)
    {
        double u = _rng.NextDouble();
        for (int i = 0; i < p.Length - 1; i++)
        {
            if (u < p[i])
            {
                return i;
            }

            u -= p[i];
        }

        return p.Length - 1;
    }
}
