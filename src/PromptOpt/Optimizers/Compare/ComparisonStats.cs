namespace PromptOpt.Optimizers.Compare;

/// <summary>A mean with its standard error over n values (s.e. = sample standard deviation / √n; 0 when n &lt; 2).</summary>
/// <param name="Mean">The mean.</param>
/// <param name="StandardError">The standard error.</param>
/// <param name="N">The number of values.</param>
public readonly record struct MeanSe(double Mean, double StandardError, int N)
{
    /// <summary>Gets t = mean / s.e., or <see langword="null"/> when the s.e. is 0 or there are fewer than 2 values.</summary>
    public double? T => N >= 2 && StandardError > 0 ? Mean / StandardError : null;

    /// <summary>Computes the mean and standard error of <paramref name="values"/>.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The mean and s.e. (NaN mean for no values).</returns>
    public static MeanSe Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.ToList();
        if (v.Count == 0)
        {
            return new MeanSe(double.NaN, double.NaN, 0);
        }

        double mean = v.Average();
        if (v.Count < 2)
        {
            return new MeanSe(mean, 0, v.Count);
        }

        double variance = v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1);
        return new MeanSe(mean, Math.Sqrt(variance / v.Count), v.Count);
    }

    /// <summary>The paired difference a − b over the keys both have (e.g. seeds).</summary>
    /// <typeparam name="TKey">The pairing key.</typeparam>
    /// <param name="a">The first scores by key.</param>
    /// <param name="b">The second scores by key.</param>
    /// <returns>The mean difference, its s.e. and the number of pairs.</returns>
    public static MeanSe Paired<TKey>(IReadOnlyDictionary<TKey, double> a, IReadOnlyDictionary<TKey, double> b)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Of(a.Where(kv => b.ContainsKey(kv.Key)).Select(kv => kv.Value - b[kv.Key]));
    }
}
