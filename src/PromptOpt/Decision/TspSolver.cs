namespace PromptOpt.Decision;

/// <summary>Travelling-salesman utilities: tour length and validation, exact Held–Karp DP, and a 2-opt heuristic.</summary>
internal static class TspSolver
{
    /// <summary>The closed-tour Euclidean length.</summary>
    public static double TourLength(IReadOnlyList<(int X, int Y)> points, IReadOnlyList<int> tour)
    {
        double s = 0;
        for (int i = 0; i < tour.Count; i++)
        {
            s += Distance(points[tour[i]], points[tour[(i + 1) % tour.Count]]);
        }

        return s;
    }

    /// <summary>The Euclidean distance.</summary>
    public static double Distance((int X, int Y) a, (int X, int Y) b)
    {
        double dx = a.X - b.X, dy = a.Y - b.Y;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    /// <summary>Returns why <paramref name="tour"/> is not a tour of n nodes, or <see langword="null"/> when it visits every node exactly once.</summary>
    public static string? Validate(IReadOnlyList<int> tour, int n)
    {
        if (tour.Count != n)
        {
            return $"the trace has {tour.Count} points, expected {n}";
        }

        var seen = new bool[n];
        foreach (var v in tour)
        {
            if (v < 0 || v >= n)
            {
                return $"point {v} does not exist";
            }

            if (seen[v])
            {
                return $"point {v} is visited twice";
            }

            seen[v] = true;
        }

        return null;
    }

    /// <summary>Rotates a valid tour so that it starts at node 0.</summary>
    public static int[] Canonical(IReadOnlyList<int> tour)
    {
        int start = 0;
        for (int i = 0; i < tour.Count; i++)
        {
            if (tour[i] == 0)
            {
                start = i;
                break;
            }
        }

        return Enumerable.Range(0, tour.Count).Select(i => tour[(start + i) % tour.Count]).ToArray();
    }

    /// <summary>The optimal tour by Held–Karp dynamic programming, O(2^n·n²); for n ≤ about 16.</summary>
    public static (double Length, int[] Tour) HeldKarp(IReadOnlyList<(int X, int Y)> points)
    {
        int n = points.Count;
        if (n <= 3)
        {
            var t = Enumerable.Range(0, n).ToArray();
            return (TourLength(points, t), t);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 20, nameof(points));
        int m = n - 1; // nodes 1..n-1 are bits 0..m-1
        int full = 1 << m;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                d[i, j] = Distance(points[i], points[j]);
            }
        }

        var dp = new double[full * m];
        var parent = new sbyte[full * m];
        Array.Fill(dp, double.PositiveInfinity);
        for (int j = 0; j < m; j++)
        {
            dp[((1 << j) * m) + j] = d[0, j + 1];
            parent[((1 << j) * m) + j] = -1;
        }

        for (int mask = 1; mask < full; mask++)
        {
            for (int j = 0; j < m; j++)
            {
                if ((mask & (1 << j)) == 0)
                {
                    continue;
                }

                double cur = dp[(mask * m) + j];
                if (double.IsPositiveInfinity(cur))
                {
                    continue;
                }

                for (int k = 0; k < m; k++)
                {
                    if ((mask & (1 << k)) != 0)
                    {
                        continue;
                    }

                    int next = mask | (1 << k);
                    double v = cur + d[j + 1, k + 1];
                    if (v < dp[(next * m) + k])
                    {
                        dp[(next * m) + k] = v;
                        parent[(next * m) + k] = (sbyte)j;
                    }
                }
            }
        }

        double best = double.PositiveInfinity;
        int last = 0;
        for (int j = 0; j < m; j++)
        {
            double v = dp[((full - 1) * m) + j] + d[j + 1, 0];
            if (v < best)
            {
                best = v;
                last = j;
            }
        }

        var tour = new int[n];
        int s = full - 1, node = last;
        for (int pos = n - 1; pos >= 1; pos--)
        {
            tour[pos] = node + 1;
            int p = parent[(s * m) + node];
            s &= ~(1 << node);
            node = p;
        }

        tour[0] = 0;
        return (best, tour);
    }

    /// <summary>The better of nearest-neighbour + 2-opt and farthest-insertion + 2-opt.</summary>
    public static (double Length, int[] Tour) Heuristic(IReadOnlyList<(int X, int Y)> points)
    {
        var a = TwoOpt(points, NearestNeighbour(points));
        var b = TwoOpt(points, FarthestInsertion(points));
        double la = TourLength(points, a), lb = TourLength(points, b);
        return la <= lb ? (la, Canonical(a)) : (lb, Canonical(b));
    }

    /// <summary>The reference length: exact for n ≤ <paramref name="exactThreshold"/>, else <see cref="Heuristic"/>.</summary>
    public static (double Length, int[] Tour, bool Exact) Reference(IReadOnlyList<(int X, int Y)> points, int exactThreshold)
    {
        if (points.Count <= exactThreshold)
        {
            var (l, t) = HeldKarp(points);
            return (l, t, true);
        }

        var (hl, ht) = Heuristic(points);
        return (hl, ht, false);
    }

    /// <summary>Nearest-neighbour tour from node 0.</summary>
    public static int[] NearestNeighbour(IReadOnlyList<(int X, int Y)> points)
    {
        int n = points.Count;
        var used = new bool[n];
        var tour = new int[n];
        used[0] = true;
        for (int i = 1; i < n; i++)
        {
            int prev = tour[i - 1], best = -1;
            double bd = double.PositiveInfinity;
            for (int j = 0; j < n; j++)
            {
                if (!used[j] && Distance(points[prev], points[j]) < bd)
                {
                    bd = Distance(points[prev], points[j]);
                    best = j;
                }
            }

            tour[i] = best;
            used[best] = true;
        }

        return tour;
    }

    /// <summary>Farthest-insertion tour.</summary>
    public static int[] FarthestInsertion(IReadOnlyList<(int X, int Y)> points)
    {
        int n = points.Count;
        if (n <= 2)
        {
            return Enumerable.Range(0, n).ToArray();
        }

        var tour = new List<int> { 0 };
        var inTour = new bool[n];
        inTour[0] = true;
        var minDist = new double[n];
        for (int j = 0; j < n; j++)
        {
            minDist[j] = Distance(points[0], points[j]);
        }

        while (tour.Count < n)
        {
            int far = -1;
            for (int j = 0; j < n; j++)
            {
                if (!inTour[j] && (far < 0 || minDist[j] > minDist[far]))
                {
                    far = j;
                }
            }

            int bestPos = 0;
            double bestInc = double.PositiveInfinity;
            for (int i = 0; i < tour.Count; i++)
            {
                int a = tour[i], b = tour[(i + 1) % tour.Count];
                double inc = Distance(points[a], points[far]) + Distance(points[far], points[b]) - (tour.Count == 1 ? 0 : Distance(points[a], points[b]));
                if (inc < bestInc)
                {
                    bestInc = inc;
                    bestPos = i + 1;
                }
            }

            tour.Insert(bestPos, far);
            inTour[far] = true;
            for (int j = 0; j < n; j++)
            {
                minDist[j] = Math.Min(minDist[j], Distance(points[far], points[j]));
            }
        }

        return tour.ToArray();
    }

    /// <summary>Improves a tour by 2-opt segment reversals until no reversal shortens it.</summary>
    public static int[] TwoOpt(IReadOnlyList<(int X, int Y)> points, int[] tour)
    {
        var t = (int[])tour.Clone();
        int n = t.Length;
        bool improved = true;
        while (improved)
        {
            improved = false;
            for (int i = 0; i < n - 1; i++)
            {
                for (int j = i + 2; j < n; j++)
                {
                    if (i == 0 && j == n - 1)
                    {
                        continue;
                    }

                    int a = t[i], b = t[i + 1], c = t[j], d = t[(j + 1) % n];
                    double delta = Distance(points[a], points[c]) + Distance(points[b], points[d])
                        - Distance(points[a], points[b]) - Distance(points[c], points[d]);
                    if (delta < -1e-9)
                    {
                        Array.Reverse(t, i + 1, j - i);
                        improved = true;
                    }
                }
            }
        }

        return t;
    }
}
