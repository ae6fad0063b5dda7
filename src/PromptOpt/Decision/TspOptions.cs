namespace PromptOpt.Decision;

/// <summary>Options of OPRO's travelling-salesman task (ALGORITHMS.md §1.6).</summary>
public sealed record TspOptions
{
    /// <summary>Gets the number of points n.</summary>
    /// <value>The default is 10.</value>
    public int Nodes { get; init; } = 10;

    /// <summary>Gets the coordinate range: integer coordinates are drawn uniformly in [−range, range].</summary>
    /// <value>The default is 100 (OPRO).</value>
    public int CoordinateRange { get; init; } = 100;

    /// <summary>Gets the number of random starting tours (each starting at node 0).</summary>
    /// <value>The default is 5 (OPRO).</value>
    public int StartingTours { get; init; } = 5;

    /// <summary>Gets how many of the best tours the exemplars block shows (worst to best).</summary>
    /// <value>The default is 10 (OPRO).</value>
    public int ExemplarCount { get; init; } = 10;

    /// <summary>Gets the horizon T (the default number of steps; one agent call per step).</summary>
    /// <value>The default is 100 (our choice).</value>
    public int Horizon { get; init; } = 100;

    /// <summary>Gets the largest n for which the reference length is exact (Held–Karp DP); above it, the best of nearest-neighbour and farthest-insertion tours, each improved by 2-opt.</summary>
    /// <value>The default is 12.</value>
    public int ExactThreshold { get; init; } = 12;
}
