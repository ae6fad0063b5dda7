using PromptOpt.Models;

namespace PromptOpt.Optimizers;

/// <summary>A typed progress event of an optimization run. The library never writes to the console; hosts render these.</summary>
public abstract record OptimizationEvent;

/// <summary>The run is about to make its first call.</summary>
/// <param name="Method">The method name.</param>
/// <param name="EstimatedTaskCalls">Estimated task/agent-model calls for the whole run.</param>
/// <param name="EstimatedOptimizerCalls">Estimated optimizer-model calls for the whole run.</param>
/// <param name="Warning">A warning (e.g. the budget is too small for one meaningful step), or <see langword="null"/>.</param>
public sealed record RunStarted(string Method, long EstimatedTaskCalls, long EstimatedOptimizerCalls, string? Warning) : OptimizationEvent;

/// <summary>A step (iteration) begins.</summary>
/// <param name="Step">The 1-based step.</param>
/// <param name="TotalSteps">The planned number of steps.</param>
/// <param name="Detail">What the step does (e.g. "rewrite sentence 3").</param>
public sealed record StepStarted(int Step, int TotalSteps, string? Detail) : OptimizationEvent;

/// <summary>A candidate was evaluated.</summary>
/// <param name="Candidate">The candidate with its score.</param>
public sealed record CandidateEvaluated(CandidateRecord Candidate) : OptimizationEvent;

/// <summary>A step finished.</summary>
/// <param name="Step">The 1-based step.</param>
/// <param name="BestTrainScore">The best training score so far.</param>
/// <param name="Usage">Usage so far.</param>
/// <param name="Detail">A short summary (e.g. "accepted", "arm 3, reward 1").</param>
public sealed record StepCompleted(int Step, double BestTrainScore, UsageSnapshot Usage, string? Detail) : OptimizationEvent;

/// <summary>A free-form notice (a dropped candidate, a budget warning).</summary>
/// <param name="Message">The message.</param>
public sealed record RunNotice(string Message) : OptimizationEvent;

/// <summary>The run finished (normally, by budget, or with no failures left).</summary>
/// <param name="StopReason">Why it stopped.</param>
public sealed record RunCompleted(string StopReason) : OptimizationEvent;
