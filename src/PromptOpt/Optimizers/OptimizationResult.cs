using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers;

/// <summary>One evaluated candidate, with its lineage.</summary>
/// <param name="Id">The candidate id (0 is the starting prompt).</param>
/// <param name="Prompt">The prompt.</param>
/// <param name="TrainScore">The score on the optimizer's evaluation set, or <see langword="null"/> if not evaluated.</param>
/// <param name="ParentId">The parent candidate, or <see langword="null"/>.</param>
/// <param name="Operation">The operation that produced it (e.g. <c>initial</c>, <c>rewrite_sentence</c>, <c>paraphrase</c>).</param>
/// <param name="Step">The step that produced it.</param>
/// <param name="Accepted">Whether it was kept (accepted into the beam / as the incumbent).</param>
/// <param name="Note">Extra detail (e.g. "rejected by the fast check: 0.20 &lt; h_f").</param>
public sealed record CandidateRecord(int Id, Prompt Prompt, double? TrainScore, int? ParentId, string Operation, int Step, bool Accepted, string? Note = null);

/// <summary>A point of the score-versus-calls trajectory.</summary>
/// <param name="Calls">Logical model calls used so far (all roles).</param>
/// <param name="BestTrainScore">The best training score so far.</param>
/// <param name="TestScore">The test score of the incumbent at this point, when measured.</param>
public sealed record TrajectoryPoint(long Calls, double BestTrainScore, double? TestScore = null);

/// <summary>The immutable result of an optimization run.</summary>
public sealed record OptimizationResult
{
    /// <summary>Gets the method name.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the starting prompt.</summary>
    public required Prompt StartPrompt { get; init; }

    /// <summary>Gets the best prompt found.</summary>
    public required Prompt BestPrompt { get; init; }

    /// <summary>Gets the starting prompt's training score.</summary>
    public double StartTrainScore { get; init; }

    /// <summary>Gets the best prompt's training score.</summary>
    public double BestTrainScore { get; init; }

    /// <summary>Gets the starting prompt's test score, or <see langword="null"/> when not measured.</summary>
    public double? StartTestScore { get; init; }

    /// <summary>Gets the best prompt's test score, or <see langword="null"/> when not measured.</summary>
    public double? BestTestScore { get; init; }

    /// <summary>Gets every evaluated candidate, in creation order.</summary>
    public IReadOnlyList<CandidateRecord> Candidates { get; init; } = [];

    /// <summary>Gets the score-versus-calls trajectory.</summary>
    public IReadOnlyList<TrajectoryPoint> Trajectory { get; init; } = [];

    /// <summary>Gets the usage of the run.</summary>
    public required UsageSnapshot Usage { get; init; }

    /// <summary>Gets the seed.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the task (or agent) model id.</summary>
    public string TaskModelId { get; init; } = string.Empty;

    /// <summary>Gets the optimizer model id.</summary>
    public string OptimizerModelId { get; init; } = string.Empty;

    /// <summary>Gets why the run stopped (<c>completed</c>, <c>budget</c>, <c>no-failures</c>, …).</summary>
    public string StopReason { get; init; } = "completed";

    /// <summary>Gets the share of the budget the run spent, per limited dimension (empty lines for an unlimited budget).</summary>
    public BudgetSpend Spend { get; init; } = new([]);

    /// <summary>
    /// Gets the warning of a run that ended below <see cref="BudgetPlanning.SpendWarningShare"/> of its budget, saying why,
    /// or <see langword="null"/>.
    /// </summary>
    public string? SpendWarning { get; init; }

    /// <summary>Gets method-specific details for reports (e.g. Dual-Phase sentence weights per step, MetaSPO tables).</summary>
    public JsonObject Details { get; init; } = [];
}
