using PromptOpt.Decision;

namespace PromptOpt.Optimizers.Expo;

/// <summary>One arm of EXPO: a (D, I) pair.</summary>
/// <param name="Index">The arm index (= DescriptionIndex · k2 + InstructionIndex; 0 is the original pair).</param>
/// <param name="DescriptionIndex">The index of D in the domain.</param>
/// <param name="InstructionIndex">The index of I in the domain.</param>
/// <param name="MetaPrompt">The (D, I) pair.</param>
public sealed record ExpoArm(int Index, int DescriptionIndex, int InstructionIndex, MetaPrompt MetaPrompt);

/// <summary>One step of an EXPO run.</summary>
/// <param name="Step">The 1-based step.</param>
/// <param name="Arm">The arm played.</param>
/// <param name="Probability">P_t(a_t).</param>
/// <param name="Reward">The normalised reward r_t.</param>
/// <param name="Parsed">Whether the agent's action could be parsed.</param>
/// <param name="Performance">The environment's performance measure after the step.</param>
/// <param name="Action">The canonical action, or <see langword="null"/>.</param>
/// <param name="ExemplarCount">The number of exemplars shown when EXPO-ES chose the set, or <see langword="null"/> for the default block.</param>
/// <param name="CumulativeRegret">The environment's cumulative regret after the step (<see cref="DecisionEnvironment.CumulativeRegret"/>).</param>
/// <param name="BestValue">The environment's best objective value after the step (<see cref="DecisionEnvironment.BestValue"/>).</param>
/// <param name="Calls">Model calls used so far (all charged roles, the domain's optimizer calls included).</param>
public sealed record ExpoStepRecord(
    int Step,
    int Arm,
    double Probability,
    double Reward,
    bool Parsed,
    double Performance,
    string? Action,
    int? ExemplarCount,
    double CumulativeRegret = 0,
    double BestValue = 0,
    long Calls = 0);

/// <summary>The result of an EXPO (or baseline) run in one environment.</summary>
public sealed record ExpoRunResult
{
    /// <summary>Gets the strategy.</summary>
    public required ExpoStrategy Strategy { get; init; }

    /// <summary>Gets the environment name.</summary>
    public required string Environment { get; init; }

    /// <summary>Gets the environment family.</summary>
    public DecisionTaskKind Kind { get; init; }

    /// <summary>Gets the seed.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the arms (the k1·k2 pairs; arm 0 is the original meta-prompt).</summary>
    public required IReadOnlyList<ExpoArm> Arms { get; init; }

    /// <summary>Gets the steps.</summary>
    public required IReadOnlyList<ExpoStepRecord> Steps { get; init; }

    /// <summary>Gets the sampling distribution P_t over the arms used at each step (element t − 1 for step t).</summary>
    public IReadOnlyList<IReadOnlyList<double>> ProbabilityHistory { get; init; } = [];

    /// <summary>Gets the name of the performance measure (<c>cumulative_regret</c> or <c>optimality_gap</c>).</summary>
    public required string PerformanceMeasureName { get; init; }

    /// <summary>Gets the final performance measure (lower is better).</summary>
    public double FinalPerformance { get; init; }

    /// <summary>Gets the final cumulative regret (<see cref="DecisionEnvironment.CumulativeRegret"/>).</summary>
    public double FinalCumulativeRegret { get; init; }

    /// <summary>Gets the name of the best objective value (<see cref="DecisionEnvironment.BestValueName"/>).</summary>
    public string BestValueName { get; init; } = string.Empty;

    /// <summary>Gets whether a larger best value is better.</summary>
    public bool BestValueHigherIsBetter { get; init; }

    /// <summary>Gets the final best objective value (<see cref="DecisionEnvironment.BestValue"/>).</summary>
    public double FinalBestValue { get; init; }

    /// <summary>Gets the sum of the normalised rewards.</summary>
    public double CumulativeReward { get; init; }

    /// <summary>Gets the number of unparseable actions.</summary>
    public int ParseFailures { get; init; }

    /// <summary>Gets how often each arm was played.</summary>
    public required IReadOnlyList<int> ArmPulls { get; init; }

    /// <summary>Gets the arm distribution after the last update.</summary>
    public required IReadOnlyList<double> FinalProbabilities { get; init; }

    /// <summary>
    /// Gets the steps of the comparison run with the original meta-prompt (same environment seed, same number of steps),
    /// or an empty list when <see cref="ExpoOptions.CompareWithOriginal"/> is off.
    /// </summary>
    public IReadOnlyList<ExpoStepRecord> OriginalBaseline { get; init; } = [];

    /// <summary>
    /// Gets the score-network fits this run computed (one per network and step for EXPO and EXPO-ES; none for the
    /// baselines, nor for a replay that took every step's outputs from the run's checkpoints).
    /// </summary>
    public int NetworkFits { get; init; }

    /// <summary>Gets the score-network outputs (one per network and step) taken from the run's checkpoints instead of being computed.</summary>
    public int ReplayedNetworkOutputs { get; init; }

    /// <summary>Gets why the run stopped (<c>completed</c> or <c>budget</c>).</summary>
    public string StopReason { get; init; } = "completed";

    /// <summary>
    /// Gets the winning arm: the most probable arm after the last update; ties go to the most-pulled arm, then to the
    /// lowest index (so a uniform policy reports its most-played arm, and a fixed one the original).
    /// </summary>
    public int WinningArm =>
        Enumerable.Range(0, Arms.Count)
            .OrderByDescending(a => a < FinalProbabilities.Count ? Math.Round(FinalProbabilities[a], 12) : 0)
            .ThenByDescending(a => a < ArmPulls.Count ? ArmPulls[a] : 0)
            .ThenBy(a => a)
            .First();

    /// <summary>Gets the mean reward of an arm over the steps it was played, or <see langword="null"/> when it never was.</summary>
    /// <param name="arm">The arm.</param>
    /// <returns>The mean reward.</returns>
    public double? MeanReward(int arm)
    {
        var rewards = Steps.Where(s => s.Arm == arm).Select(s => s.Reward).ToList();
        return rewards.Count == 0 ? null : rewards.Average();
    }
}
