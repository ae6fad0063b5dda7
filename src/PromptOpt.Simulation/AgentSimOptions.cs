namespace PromptOpt.Simulation;

/// <summary>
/// The knobs of the simulated agent (SIMULATOR.md "Agent role"), found at <see cref="SimOptions.Agent"/>; the world seed is
/// <see cref="SimOptions.Seed"/>. Every number is our modelling choice; tests may set them.
/// </summary>
public sealed record AgentSimOptions
{
    /// <summary>Gets the answer forms of the environments (<c>&lt;answer&gt;</c>, <c>[w, b]</c>, <c>&lt;trace&gt;</c>): a meta-prompt that
    /// shows the form its action must take fully activates <c>format</c> (a fact of its structure, like the obedience rules).</summary>
    /// <value>The default is <c>&lt;answer&gt;</c>, <c>[w, b]</c>, <c>&lt;trace&gt;</c>.</value>
    public IReadOnlyList<string> AnswerFormMarkers { get; init; } = ["<answer>", "[w, b]", "<trace>"];

    /// <summary>Gets β, the imitation term of a raw history: the perceived mean of arm a is s/n + β·n_a/t + ε, so the arm the
    /// transcript is full of looks better (the cause of suffix failures); statistics with reasoning removes it.</summary>
    /// <value>The default is 0.2 (SIMULATOR.md).</value>
    public double ImitationBias { get; init; } = 0.2;

    /// <summary>Gets the standard deviation of ε, the error in reading an arm's mean off a raw history, fixed per (arm, n, s).</summary>
    /// <value>The default is 0.1 (SIMULATOR.md).</value>
    public double RawReadingNoise { get; init; } = 0.1;

    /// <summary>Gets ε of the ε-greedy behaviour (explore without reasoning): the probability of a uniformly random arm.</summary>
    /// <value>The default is 0.6 (SIMULATOR.md).</value>
    public double ExploreEpsilon { get; init; } = 0.6;

    /// <summary>Gets the standard deviation (per coordinate) of the regression proposal around the best shown pair.</summary>
    /// <value>The default is 1.5.</value>
    public double RegressionStep { get; init; } = 1.5;

    /// <summary>Gets the factor on the regression step when <c>refine</c> is active.</summary>
    /// <value>The default is 0.4.</value>
    public double RefineStepFactor { get; init; } = 0.4;

    /// <summary>Gets the factor on the regression step when <c>diverse</c> is active.</summary>
    /// <value>The default is 2.5.</value>
    public double DiverseStepFactor { get; init; } = 2.5;

    /// <summary>Gets the factor on the regression step when <c>explore</c> is active.</summary>
    /// <value>The default is 2.</value>
    public double ExploreStepFactor { get; init; } = 2.0;

    /// <summary>Gets the number of 2-opt moves applied to the best shown tour with no refine/diverse/explore skill active.</summary>
    /// <value>The default is 2.</value>
    public int TspMoves { get; init; } = 2;

    /// <summary>Gets the number of 2-opt moves when <c>refine</c> is active (it overrides the others).</summary>
    /// <value>The default is 1.</value>
    public int RefineMoves { get; init; } = 1;

    /// <summary>Gets the extra 2-opt moves when <c>diverse</c> is active.</summary>
    /// <value>The default is 2.</value>
    public int DiverseExtraMoves { get; init; } = 2;

    /// <summary>Gets the extra 2-opt moves when <c>explore</c> is active.</summary>
    /// <value>The default is 1.</value>
    public int ExploreExtraMoves { get; init; } = 1;

    /// <summary>Gets how many random 2-opt moves the agent considers for each move it makes, keeping the shortest (its sense of geometry).</summary>
    /// <value>The default is 3.</value>
    public int TspCandidatesPerMove { get; init; } = 3;

    /// <summary>Gets how often a regression/TSP reply cannot be parsed when <c>format</c> is inactive (× (1 − a_format) when partly active).</summary>
    /// <value>The default is 0.15.</value>
    public double UnformattedFailureRate { get; init; } = 0.15;

    /// <summary>Gets how many times a proposal equal to a shown one is redrawn when <c>diverse</c> is active.</summary>
    /// <value>The default is 5.</value>
    public int DuplicateRedraws { get; init; } = 5;
}
