namespace PromptOpt.Decision;

/// <summary>The result of an agent run with a fixed meta-prompt.</summary>
/// <param name="Environment">The environment name.</param>
/// <param name="Steps">The steps taken.</param>
/// <param name="PerformanceMeasureName">The name of the performance measure.</param>
/// <param name="Performance">The final performance measure (lower is better).</param>
/// <param name="CumulativeReward">The sum of the normalised rewards.</param>
/// <param name="ParseFailures">The number of unparseable or invalid actions.</param>
/// <param name="StopReason"><c>completed</c> or <c>budget</c>.</param>
public sealed record AgentRunResult(
    string Environment,
    IReadOnlyList<StepRecord> Steps,
    string PerformanceMeasureName,
    double Performance,
    double CumulativeReward,
    int ParseFailures,
    string StopReason);
