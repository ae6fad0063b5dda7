namespace PromptOpt.Decision;

/// <summary>The family of a sequential decision-making environment.</summary>
public enum DecisionTaskKind
{
    /// <summary>A Bernoulli multi-armed bandit (Krishnamurthy et al. 2024).</summary>
    Bandit,

    /// <summary>OPRO's linear-regression black-box optimisation task.</summary>
    LinearRegression,

    /// <summary>OPRO's travelling-salesman task.</summary>
    Tsp,
}
