namespace PromptOpt.Simulation;

/// <summary>
/// The knobs of the simulated agent (SIMULATOR.md "Agent role"), found at <see cref="SimOptions.Agent"/>; the world seed is
/// <see cref="SimOptions.Seed"/>. Every number is our modelling choice; tests may set them.
/// </summary>
public sealed record AgentSimOptions
{
    /// <summary>Gets format phrases that activate the generic <c>format</c> skill for the agent in addition to its generic
    /// triggers: the environments' own answer forms.</summary>
    /// <value>The default is <c>respond with</c>, <c>[w, b]</c>, <c>&lt;trace&gt;</c>.</value>
    public IReadOnlyList<string> ExtraFormatTriggers { get; init; } = ["respond with", "[w, b]", "<trace>"];

    /// <summary>Gets the bandit exploration-bonus coefficient c with no explore/exploit skill active.</summary>
    /// <value>The default is 0.1.</value>
    public double BanditBonus { get; init; } = 0.1;

    /// <summary>Gets the factor on c when <c>explore</c> is active.</summary>
    /// <value>The default is 3.</value>
    public double ExploreBonusFactor { get; init; } = 3.0;

    /// <summary>Gets the factor on c when <c>exploit</c> is active.</summary>
    /// <value>The default is 0.1.</value>
    public double ExploitBonusFactor { get; init; } = 0.1;

    /// <summary>Gets the softmax temperature τ of the bandit choice with <c>exploit</c> inactive.</summary>
    /// <value>The default is 0.05.</value>
    public double BanditTemperature { get; init; } = 0.05;

    /// <summary>Gets the factor on τ when <c>exploit</c> is active.</summary>
    /// <value>The default is 0.3.</value>
    public double ExploitTemperatureFactor { get; init; } = 0.3;

    /// <summary>Gets the standard deviation of the agent's error in each arm's mean estimate when <c>stats</c> is inactive (it
    /// eyeballs the raw history). The error is drawn per (arm, pulls, successes), so it persists until the arm is pulled
    /// again: a greedy agent can lock onto an arm it misjudges.</summary>
    /// <value>The default is 0.3.</value>
    public double EstimateNoise { get; init; } = 0.3;

    /// <summary>Gets the standard deviation of that error when <c>stats</c> is active (it computes the averages).</summary>
    /// <value>The default is 0.</value>
    public double StatsEstimateNoise { get; init; }

    /// <summary>Gets the mean estimate assumed for an untried arm.</summary>
    /// <value>The default is 0 (an untried arm is attractive only through the exploration bonus).</value>
    public double UntriedPrior { get; init; }

    /// <summary>Gets the pull count used in the bonus sqrt(ln t / n) for an untried arm (instead of 0).</summary>
    /// <value>The default is 0.5.</value>
    public double UntriedPseudoCount { get; init; } = 0.5;

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

    /// <summary>Gets how often a regression/TSP reply cannot be parsed when <c>format</c> is inactive.</summary>
    /// <value>The default is 0.15.</value>
    public double UnformattedFailureRate { get; init; } = 0.15;

    /// <summary>Gets how many times a proposal equal to a shown one is redrawn when <c>diverse</c> is active.</summary>
    /// <value>The default is 5.</value>
    public int DuplicateRedraws { get; init; } = 5;
}
