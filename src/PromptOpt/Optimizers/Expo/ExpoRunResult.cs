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
public sealed record ExpoStepRecord(int Step, int Arm, double Probability, double Reward, bool Parsed, double Performance, string? Action, int? ExemplarCount);

/// <summary>The result of an EXPO (or baseline) run in one environment.</summary>
public sealed record ExpoRunResult
{
    /// <summary>Gets the strategy.</summary>
    public required ExpoStrategy Strategy { get; init; }

    /// <summary>Gets the environment name.</summary>
    public required string Environment { get; init; }

    /// <summary>Gets the seed.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the arms (the k1·k2 pairs).</summary>
    public required IReadOnlyList<ExpoArm> Arms { get; init; }

    /// <summary>Gets the steps.</summary>
    public required IReadOnlyList<ExpoStepRecord> Steps { get; init; }

    /// <summary>Gets the name of the performance measure (<c>cumulative_regret</c> or <c>optimality_gap</c>).</summary>
    public required string PerformanceMeasureName { get; init; }

    /// <summary>Gets the final performance measure (lower is better).</summary>
    public double FinalPerformance { get; init; }

    /// <summary>Gets the sum of the normalised rewards.</summary>
    public double CumulativeReward { get; init; }

    /// <summary>Gets the number of unparseable actions.</summary>
    public int ParseFailures { get; init; }

    /// <summary>Gets how often each arm was played.</summary>
    public required IReadOnlyList<int> ArmPulls { get; init; }

    /// <summary>Gets the arm distribution after the last update.</summary>
    public required IReadOnlyList<double> FinalProbabilities { get; init; }

    /// <summary>Gets why the run stopped (<c>completed</c> or <c>budget</c>).</summary>
    public string StopReason { get; init; } = "completed";
}
