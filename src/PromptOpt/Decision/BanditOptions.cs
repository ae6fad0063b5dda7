namespace PromptOpt.Decision;

/// <summary>How a bandit renders its history in the exemplars block (Krishnamurthy et al.'s prompt design factor).</summary>
public enum BanditHistoryRendering
{
    /// <summary>One line per turn: the button pressed and the reward.</summary>
    Raw,

    /// <summary>One line per button: times pressed and average reward so far.</summary>
    Summarized,
}

/// <summary>Options of a Bernoulli multi-armed bandit (ALGORITHMS.md §5: K=5, Δ=0.2 "hard"; K=4, Δ=0.5 "easy"; horizon 100).</summary>
public sealed record BanditOptions
{
    /// <summary>The default arm names (Krishnamurthy et al.'s "buttons" scenario uses colours).</summary>
    public static readonly IReadOnlyList<string> DefaultArmNames =
        ["blue", "green", "red", "yellow", "purple", "orange", "pink", "brown", "gray", "cyan"];

    /// <summary>Gets the "hard" preset: K = 5, Δ = 0.2.</summary>
    public static BanditOptions Hard { get; } = new() { Arms = 5, Gap = 0.2 };

    /// <summary>Gets the "easy" preset: K = 4, Δ = 0.5.</summary>
    public static BanditOptions Easy { get; } = new() { Arms = 4, Gap = 0.5 };

    /// <summary>Gets the number of arms K (2 to the number of arm names).</summary>
    /// <value>The default is 5.</value>
    public int Arms { get; init; } = 5;

    /// <summary>Gets the gap Δ: the best arm's mean is 0.5 + Δ/2, every other arm's 0.5 − Δ/2.</summary>
    /// <value>The default is 0.2.</value>
    public double Gap { get; init; } = 0.2;

    /// <summary>Gets the horizon T (the default number of steps).</summary>
    /// <value>The default is 100.</value>
    public int Horizon { get; init; } = 100;

    /// <summary>
    /// Gets how the history is rendered for the agent (Krishnamurthy et al. 2024's "raw vs summarised history" factor).
    /// It is a fact of the environment: an agent reads the rendered text, and no prompt can change it. Our default: raw
    /// (the summary is itself a strong intervention: the one configuration that explored well in the paper needed it).
    /// </summary>
    /// <value>The default is <see cref="BanditHistoryRendering.Raw"/>.</value>
    public BanditHistoryRendering Rendering { get; init; } = BanditHistoryRendering.Raw;

    /// <summary>Gets the arm names (the first <see cref="Arms"/> are used); the action is one of these names.</summary>
    /// <value>The default is <see cref="DefaultArmNames"/>.</value>
    public IReadOnlyList<string> ArmNames { get; init; } = DefaultArmNames;
}
