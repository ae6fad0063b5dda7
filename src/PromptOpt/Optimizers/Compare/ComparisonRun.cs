using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Compare;

/// <summary>What a comparison keeps of one (task, method, seed) run: an ordinary run in the store, summarised.</summary>
public sealed record ComparisonRun
{
    /// <summary>Gets the task name.</summary>
    public required string Task { get; init; }

    /// <summary>Gets the method name as given to the comparison (ablations keep their <c>method:variant</c> name).</summary>
    public required string Method { get; init; }

    /// <summary>Gets the seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the run id in the store.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the start prompt.</summary>
    public required Prompt StartPrompt { get; init; }

    /// <summary>Gets the best prompt.</summary>
    public required Prompt BestPrompt { get; init; }

    /// <summary>Gets the start prompt's score on the evaluation set V.</summary>
    public double StartTrainScore { get; init; }

    /// <summary>Gets the best prompt's score on V.</summary>
    public double BestTrainScore { get; init; }

    /// <summary>Gets the start prompt's test score.</summary>
    public double? StartTestScore { get; init; }

    /// <summary>Gets the best prompt's test score.</summary>
    public double? TestScore { get; init; }

    /// <summary>Gets the task-model calls charged to the budget (cached ones included, as the budget counts them).</summary>
    public long TaskCalls { get; init; }

    /// <summary>Gets the optimizer-model calls.</summary>
    public long OptimizerCalls { get; init; }

    /// <summary>Gets the tokens of the charged roles.</summary>
    public long Tokens { get; init; }

    /// <summary>Gets the estimated dollars of the charged roles (at their original cost, cached or not).</summary>
    public decimal Dollars { get; init; }

    /// <summary>Gets the share of the budget spent (largest over the limited dimensions), or <see langword="null"/> for no limit.</summary>
    public double? SpendShare { get; init; }

    /// <summary>Gets the spend warning, if any.</summary>
    public string? SpendWarning { get; init; }

    /// <summary>Gets why the run stopped.</summary>
    public string StopReason { get; init; } = "completed";

    /// <summary>Gets the best-so-far score on V against calls spent.</summary>
    public IReadOnlyList<TrajectoryPoint> Trajectory { get; init; } = [];

    /// <summary>Gets the oracle prompt's test score on the same test examples (simulator only).</summary>
    public double? OracleTestScore { get; init; }

    /// <summary>Gets the oracle prompt's score on the same V (simulator only).</summary>
    public double? OracleTrainScore { get; init; }

    /// <summary>
    /// Gets the length of the best prompt in words (whitespace-separated, system and user parts and any demonstrations, as
    /// <see cref="Prompt.DisplayText"/> shows it): the measure of GEPA's "shorter prompts" claim (issue 14).
    /// </summary>
    public int PromptWords => BestPrompt.DisplayText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Gets the test score as a fraction of the oracle's, or <see langword="null"/>.</summary>
    public double? OracleFraction => TestScore is { } s && OracleTestScore is { } o && o > 0 ? s / o : null;

    /// <summary>
    /// Gets the calls spent when the best-so-far score on V first reached 90 % of the oracle's score on V, or
    /// <see langword="null"/> when it never did (or there is no oracle).
    /// </summary>
    public long? CallsToNinetyPercent => OracleTrainScore is { } o
        ? Trajectory.FirstOrDefault(p => p.BestTrainScore >= 0.9 * o)?.Calls
        : null;

    /// <summary>Creates the summary of a finished run.</summary>
    /// <param name="task">The task name.</param>
    /// <param name="method">The method name as given.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="result">The result.</param>
    /// <returns>The summary (no oracle scores yet).</returns>
    public static ComparisonRun From(string task, string method, string runId, OptimizationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var u = result.Usage;
        var charged = u.ByRole.Where(kv => kv.Key != Models.ModelRoles.Test).Select(kv => kv.Value).ToList();
        return new ComparisonRun
        {
            Task = task,
            Method = method,
            Seed = result.Seed,
            RunId = runId,
            StartPrompt = result.StartPrompt,
            BestPrompt = result.BestPrompt,
            StartTrainScore = result.StartTrainScore,
            BestTrainScore = result.BestTrainScore,
            StartTestScore = result.StartTestScore,
            TestScore = result.BestTestScore,
            TaskCalls = u.For(Models.ModelRoles.Task).Calls + u.For(Models.ModelRoles.Agent).Calls,
            OptimizerCalls = u.For(Models.ModelRoles.Optimizer).Calls,
            Tokens = charged.Sum(c => c.InputTokens + c.OutputTokens),
            Dollars = charged.Sum(c => c.EstimatedDollars),
            SpendShare = result.Spend.Share,
            SpendWarning = result.SpendWarning,
            StopReason = result.StopReason,
            Trajectory = result.Trajectory,
        };
    }
}
