namespace PromptOpt.Optimizers.Gepa;

/// <summary>
/// GEPA's instance-level Pareto frontier (ALGORITHMS.md 6, GEPA "Parent selection"): for each example of the Pareto set
/// the candidates with the highest score on it (its front); candidates that are dominated — every front they are in also
/// holds another remaining candidate — are removed, lowest aggregate score first, one at a time; a parent is sampled
/// among the rest with weight = the number of fronts it appears in. Pure functions over a score table
/// <c>scores[candidate][example]</c>, so they are unit-tested on hand-made tables.
/// </summary>
internal static class ParetoFrontier
{
    /// <summary>Gets each example's front: the candidates with the highest score on it (ties all belong).</summary>
    /// <param name="scores">Per-candidate per-example scores (every row the same length).</param>
    /// <returns>One set per example.</returns>
    public static IReadOnlyList<SortedSet<int>> Fronts(IReadOnlyList<IReadOnlyList<double>> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int examples = scores.Count == 0 ? 0 : scores[0].Count;
        var fronts = new List<SortedSet<int>>(examples);
        for (int e = 0; e < examples; e++)
        {
            double best = scores.Max(row => row[e]);
            fronts.Add(new SortedSet<int>(Enumerable.Range(0, scores.Count).Where(c => scores[c][e] >= best)));
        }

        return fronts;
    }

    /// <summary>
    /// Removes dominated candidates (GEPA <c>remove_dominated_programs</c>): candidates in ascending order of aggregate
    /// score (ties by id); repeatedly the first one every front of which also holds another remaining candidate is removed.
    /// </summary>
    /// <param name="fronts">The fronts (<see cref="Fronts"/>).</param>
    /// <param name="aggregate">Each candidate's aggregate score (the order of removal).</param>
    /// <returns>The weights: each remaining candidate with the number of fronts it appears in, by id.</returns>
    public static SortedDictionary<int, int> Weights(IReadOnlyList<SortedSet<int>> fronts, IReadOnlyList<double> aggregate)
    {
        ArgumentNullException.ThrowIfNull(fronts);
        ArgumentNullException.ThrowIfNull(aggregate);
        var remaining = fronts.SelectMany(f => f).Distinct().OrderBy(c => aggregate[c]).ThenBy(c => c).ToList();
        bool removed = true;
        while (removed)
        {
            removed = false;
            foreach (var y in remaining)
            {
                var others = remaining.Where(o => o != y).ToHashSet();
                if (fronts.Where(f => f.Contains(y)).All(f => f.Any(others.Contains)))
                {
                    remaining.Remove(y);
                    removed = true;
                    break;
                }
            }
        }

        var weights = new SortedDictionary<int, int>();
        foreach (var c in remaining)
        {
            weights[c] = fronts.Count(f => f.Contains(c));
        }

        return weights;
    }

    /// <summary>Samples a parent from the frontier: each non-dominated candidate with probability proportional to its weight.</summary>
    /// <param name="scores">Per-candidate per-example scores.</param>
    /// <param name="rng">The run's random source (one draw).</param>
    /// <returns>The candidate index.</returns>
    public static int Select(IReadOnlyList<IReadOnlyList<double>> scores, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var aggregate = scores.Select(r => r.Count == 0 ? 0 : r.Average()).ToList();
        var weights = Weights(Fronts(scores), aggregate);
        int total = weights.Values.Sum();
        if (total == 0)
        {
            return BestByMean(scores);
        }

        int pick = rng.Next(total);
        foreach (var (c, w) in weights)
        {
            if (pick < w)
            {
                return c;
            }

            pick -= w;
        }

        return weights.Keys.Last();
    }

    /// <summary>Gets the candidate with the best mean score (ties: the earliest), GEPA's <c>current-best</c> selection and its result.</summary>
    /// <param name="scores">Per-candidate per-example scores.</param>
    /// <returns>The candidate index.</returns>
    public static int BestByMean(IReadOnlyList<IReadOnlyList<double>> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int best = 0;
        for (int c = 1; c < scores.Count; c++)
        {
            if (Mean(scores[c]) > Mean(scores[best]))
            {
                best = c;
            }
        }

        return best;
    }

    private static double Mean(IReadOnlyList<double> row) => row.Count == 0 ? 0 : row.Average();
}
