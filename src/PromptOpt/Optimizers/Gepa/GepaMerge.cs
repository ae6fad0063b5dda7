namespace PromptOpt.Optimizers.Gepa;

/// <summary>
/// GEPA's system-aware merge (ALGORITHMS.md 6, GEPA "Merge"; gepa <c>proposer/merge.py</c>): two Pareto candidates with a
/// common ancestor that changed different components give a child that takes each component from the one that changed
/// it. Components are compared as texts: index 0 the user prompt, index 1 the system prompt. Pure, unit-tested.
/// </summary>
internal static class GepaMerge
{
    /// <summary>The attempts at drawing a usable pair per merge (gepa's <c>max_attempts</c> default).</summary>
    public const int PairAttempts = 10;

    /// <summary>Gets every ancestor of <paramref name="id"/> (not itself) through the parent lists.</summary>
    /// <param name="parents">Each candidate's parents (one for a mutation, two for a merge, none for the start).</param>
    /// <param name="id">The candidate.</param>
    /// <returns>The ancestors.</returns>
    public static HashSet<int> Ancestors(IReadOnlyList<IReadOnlyList<int>> parents, int id)
    {
        ArgumentNullException.ThrowIfNull(parents);
        var seen = new HashSet<int>();
        var stack = new Stack<int>(parents[id]);
        while (stack.Count > 0)
        {
            var p = stack.Pop();
            if (seen.Add(p))
            {
                foreach (var q in parents[p])
                {
                    stack.Push(q);
                }
            }
        }

        return seen;
    }

    /// <summary>
    /// Gets whether merging <paramref name="a"/> and <paramref name="b"/> over <paramref name="ancestor"/> is worthwhile: some
    /// component is the ancestor's in one of them and changed in the other.
    /// </summary>
    /// <param name="ancestor">The ancestor's components.</param>
    /// <param name="a">The first candidate's components.</param>
    /// <param name="b">The second candidate's components.</param>
    /// <returns><see langword="true"/> when the child would combine two different changes.</returns>
    public static bool IsDesirable(IReadOnlyList<string?> ancestor, IReadOnlyList<string?> a, IReadOnlyList<string?> b)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        for (int k = 0; k < ancestor.Count; k++)
        {
            if ((Same(ancestor[k], a[k]) && !Same(ancestor[k], b[k])) || (Same(ancestor[k], b[k]) && !Same(ancestor[k], a[k])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The child's components: where one candidate kept the ancestor's text and the other changed it, the changed one;
    /// where both changed it, the text of the candidate with the higher aggregate score (ties: <paramref name="a"/>);
    /// where both agree, that text.
    /// </summary>
    /// <param name="ancestor">The ancestor's components.</param>
    /// <param name="a">The first candidate's components.</param>
    /// <param name="b">The second candidate's components.</param>
    /// <param name="scoreA">The first candidate's aggregate score.</param>
    /// <param name="scoreB">The second candidate's aggregate score.</param>
    /// <returns>The child's components.</returns>
    public static string?[] Combine(IReadOnlyList<string?> ancestor, IReadOnlyList<string?> a, IReadOnlyList<string?> b, double scoreA, double scoreB)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var child = new string?[ancestor.Count];
        for (int k = 0; k < ancestor.Count; k++)
        {
            child[k] = Same(a[k], b[k]) ? a[k]
                : Same(ancestor[k], a[k]) ? b[k]
                : Same(ancestor[k], b[k]) ? a[k]
                : scoreB > scoreA ? b[k] : a[k];
        }

        return child;
    }

    /// <summary>
    /// Draws a merge triplet (gepa <c>find_common_ancestor_pair</c>): up to <see cref="PairAttempts"/> random pairs of
    /// frontier candidates, neither an ancestor of the other, with a common ancestor not already tried with them, that
    /// scores no higher than either and makes <see cref="IsDesirable"/> true; the ancestor drawn weighted by its score.
    /// </summary>
    /// <param name="frontier">The non-dominated candidates.</param>
    /// <param name="parents">Each candidate's parents.</param>
    /// <param name="components">Each candidate's components.</param>
    /// <param name="aggregate">Each candidate's aggregate score.</param>
    /// <param name="tried">Triplets already merged or tried (updated).</param>
    /// <param name="rng">The run's random source.</param>
    /// <returns>The triplet (A &lt; B), or <see langword="null"/> when none was found.</returns>
    public static (int A, int B, int Ancestor)? FindTriplet(
        IReadOnlyList<int> frontier, IReadOnlyList<IReadOnlyList<int>> parents, IReadOnlyList<IReadOnlyList<string?>> components,
        IReadOnlyList<double> aggregate, HashSet<(int, int, int)> tried, Random rng)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        ArgumentNullException.ThrowIfNull(tried);
        ArgumentNullException.ThrowIfNull(rng);
        if (frontier.Count < 2)
        {
            return null;
        }

        for (int attempt = 0; attempt < PairAttempts; attempt++)
        {
            int i = frontier[rng.Next(frontier.Count)], j = frontier[rng.Next(frontier.Count)];
            if (i == j)
            {
                continue;
            }

            (i, j) = i < j ? (i, j) : (j, i);
            var ai = Ancestors(parents, i);
            var aj = Ancestors(parents, j);
            if (ai.Contains(j) || aj.Contains(i))
            {
                continue;
            }

            var common = ai.Intersect(aj).Order()
                .Where(a => !tried.Contains((i, j, a)) && aggregate[a] <= aggregate[i] && aggregate[a] <= aggregate[j]
                    && IsDesirable(components[a], components[i], components[j]))
                .ToList();
            if (common.Count == 0)
            {
                continue;
            }

            var weights = common.Select(a => Math.Max(aggregate[a], 1e-6)).ToList();
            double u = rng.NextDouble() * weights.Sum();
            int pick = 0;
            while (pick < common.Count - 1 && u >= weights[pick])
            {
                u -= weights[pick];
                pick++;
            }

            tried.Add((i, j, common[pick]));
            return (i, j, common[pick]);
        }

        return null;
    }

    private static bool Same(string? x, string? y) => string.Equals(x ?? string.Empty, y ?? string.Empty, StringComparison.Ordinal);
}
