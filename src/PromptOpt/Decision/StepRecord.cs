namespace PromptOpt.Decision;

/// <summary>The outcome of one agent step in a <see cref="DecisionEnvironment"/>.</summary>
/// <param name="Step">The 1-based step number.</param>
/// <param name="Response">The agent's raw response.</param>
/// <param name="Action">The parsed action in canonical form (e.g. <c>blue</c>, <c>[15, 14]</c>, <c>0,3,1,2</c>), or <see langword="null"/> when unparseable.</param>
/// <param name="Reward">The normalised score r_t in [0, 1] (0 for an unparseable or invalid action).</param>
/// <param name="Value">The raw outcome (the Bernoulli reward, the regression loss, the tour length), or <see langword="null"/> when unparseable.</param>
/// <param name="Performance">The environment's performance measure after this step (cumulative regret or optimality gap).</param>
/// <param name="Note">Why the action was rejected, or <see langword="null"/>.</param>
public sealed record StepRecord(int Step, string Response, string? Action, double Reward, double? Value, double Performance, string? Note = null)
{
    /// <summary>Gets the environment's cumulative regret after this step (<see cref="DecisionEnvironment.CumulativeRegret"/>).</summary>
    public double CumulativeRegret { get; init; }

    /// <summary>Gets the environment's best objective value after this step (<see cref="DecisionEnvironment.BestValue"/>).</summary>
    public double BestValue { get; init; }

    /// <summary>Gets whether the response held a valid action.</summary>
    public bool Parsed => Action is not null;
}
