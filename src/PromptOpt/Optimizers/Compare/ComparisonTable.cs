using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Compare;

/// <summary>One method's row of a task's comparison table.</summary>
public sealed record ComparisonRow
{
    /// <summary>Gets the method.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the final test score over seeds (mean ± s.e.).</summary>
    public MeanSe Test { get; init; }

    /// <summary>Gets the start prompt's test score over seeds (the same for every method: start-prompt parity).</summary>
    public MeanSe StartTest { get; init; }

    /// <summary>Gets the paired difference against the best method over seeds (mean, s.e., t), or <see langword="null"/> for the best method itself.</summary>
    public MeanSe? DeltaVsBest { get; init; }

    /// <summary>Gets the mean task calls per run.</summary>
    public double TaskCalls { get; init; }

    /// <summary>Gets the mean optimizer calls per run.</summary>
    public double OptimizerCalls { get; init; }

    /// <summary>Gets the mean tokens per run.</summary>
    public double Tokens { get; init; }

    /// <summary>Gets the mean estimated dollars per run.</summary>
    public decimal Dollars { get; init; }

    /// <summary>Gets the mean share of the budget spent, or <see langword="null"/> for an unlimited budget.</summary>
    public double? SpendShare { get; init; }

    /// <summary>Gets the stop reasons with their counts, e.g. <c>completed×2, budget×1</c>.</summary>
    public string StopReasons { get; init; } = string.Empty;

    /// <summary>Gets the mean test score as a fraction of the oracle prompt's, or <see langword="null"/> without an oracle.</summary>
    public double? OracleFraction { get; init; }

    /// <summary>Gets the mean calls to reach 90 % of the oracle's score on V over the seeds that reached it, or <see langword="null"/>.</summary>
    public double? CallsToNinetyPercent { get; init; }

    /// <summary>Gets how many seeds reached 90 % of the oracle's score on V.</summary>
    public int ReachedNinetyPercent { get; init; }

    /// <summary>Gets the length of the best prompt in words over seeds (mean ± s.e.; see <see cref="ComparisonRun.PromptWords"/>).</summary>
    public MeanSe PromptWords { get; init; }

    /// <summary>Gets the best prompt of the method's best seed (highest test score, then lowest seed).</summary>
    public Prompt? BestPrompt { get; init; }

    /// <summary>Gets the spend warnings of the method's runs (distinct).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A point of an anytime curve: calls spent, and the best-so-far score on V over seeds (mean ± s.e.).</summary>
/// <param name="Calls">Calls spent (task + optimizer).</param>
/// <param name="Score">The mean best-so-far score and its s.e. over the seeds that have a score by then.</param>
public sealed record CurvePoint(long Calls, MeanSe Score);

/// <summary>The comparison of methods on one task: the table and the anytime curves.</summary>
/// <param name="Task">The task.</param>
/// <param name="Rows">The rows, best mean test score first.</param>
/// <param name="Curves">Per method, the anytime curve.</param>
/// <param name="Runs">The runs it was computed from.</param>
public sealed record ComparisonTable(string Task, IReadOnlyList<ComparisonRow> Rows, IReadOnlyDictionary<string, IReadOnlyList<CurvePoint>> Curves, IReadOnlyList<ComparisonRun> Runs)
{
    /// <summary>The number of points of an anytime curve.</summary>
    public const int CurvePoints = 41;

    /// <summary>Gets the oracle prompt's mean test score, or <see langword="null"/>.</summary>
    public double? OracleTest => Runs.Select(r => r.OracleTestScore).OfType<double>().DefaultIfEmpty(double.NaN).Average() is var m && double.IsFinite(m) ? m : null;

    /// <summary>Builds the table of one task from its runs (every method × seed).</summary>
    /// <param name="task">The task.</param>
    /// <param name="runs">The runs of that task.</param>
    /// <param name="methodOrder">The methods in the order given (ties in the mean keep this order).</param>
    /// <returns>The table.</returns>
    public static ComparisonTable Build(string task, IReadOnlyList<ComparisonRun> runs, IReadOnlyList<string> methodOrder)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(methodOrder);
        var byMethod = methodOrder.Select(m => (Method: m, Runs: runs.Where(r => r.Method == m).OrderBy(r => r.Seed).ToList())).ToList();
        var scores = byMethod.ToDictionary(x => x.Method, x => (IReadOnlyDictionary<int, double>)x.Runs
            .Where(r => r.TestScore is not null).ToDictionary(r => r.Seed, r => r.TestScore!.Value), StringComparer.Ordinal);
        var means = byMethod.Select((x, i) => (x.Method, i, Test: MeanSe.Of(scores[x.Method].Values))).ToList();
        var best = means.Where(m => m.Test.N > 0).OrderByDescending(m => m.Test.Mean).ThenBy(m => m.i).Select(m => m.Method).FirstOrDefault();

        var rows = new List<ComparisonRow>();
        foreach (var (method, list) in byMethod)
        {
            var reached = list.Select(r => r.CallsToNinetyPercent).OfType<long>().ToList();
            var fractions = list.Select(r => r.OracleFraction).OfType<double>().ToList();
            var spends = list.Select(r => r.SpendShare).OfType<double>().ToList();
            rows.Add(new ComparisonRow
            {
                Method = method,
                Test = MeanSe.Of(scores[method].Values),
                StartTest = MeanSe.Of(list.Select(r => r.StartTestScore).OfType<double>()),
                DeltaVsBest = best is null || method == best ? null : MeanSe.Paired(scores[method], scores[best]),
                TaskCalls = list.Count == 0 ? 0 : list.Average(r => r.TaskCalls),
                OptimizerCalls = list.Count == 0 ? 0 : list.Average(r => r.OptimizerCalls),
                Tokens = list.Count == 0 ? 0 : list.Average(r => r.Tokens),
                Dollars = list.Count == 0 ? 0 : list.Average(r => r.Dollars),
                SpendShare = spends.Count == 0 ? null : spends.Average(),
                StopReasons = string.Join(", ", list.GroupBy(r => r.StopReason).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => g.Count() == list.Count ? g.Key : $"{g.Key}×{g.Count()}")),
                OracleFraction = fractions.Count == 0 ? null : fractions.Average(),
                CallsToNinetyPercent = reached.Count == 0 ? null : reached.Average(),
                ReachedNinetyPercent = reached.Count,
                PromptWords = MeanSe.Of(list.Select(r => (double)r.PromptWords)),
                BestPrompt = list.Where(r => r.TestScore is not null).OrderByDescending(r => r.TestScore).ThenBy(r => r.Seed).FirstOrDefault()?.BestPrompt,
                Warnings = list.Select(r => r.SpendWarning).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            });
        }

        var ordered = rows.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Test.N > 0 ? x.r.Test.Mean : double.NegativeInfinity).ThenBy(x => x.i).Select(x => x.r).ToList();
        return new ComparisonTable(task, ordered, byMethod.ToDictionary(x => x.Method, x => Curve(x.Runs), StringComparer.Ordinal), runs);
    }

    /// <summary>The anytime curve of a method: at evenly spaced call counts, the best-so-far score on V over seeds (mean ± s.e.).</summary>
    /// <param name="runs">The method's runs.</param>
    /// <returns>The curve (empty without trajectories).</returns>
    public static IReadOnlyList<CurvePoint> Curve(IReadOnlyList<ComparisonRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var withPoints = runs.Where(r => r.Trajectory.Count > 0).ToList();
        if (withPoints.Count == 0)
        {
            return [];
        }

        long max = withPoints.Max(r => r.Trajectory.Max(p => p.Calls));
        var points = new List<CurvePoint>(CurvePoints);
        for (int i = 0; i < CurvePoints; i++)
        {
            long x = max * i / (CurvePoints - 1);
            var values = withPoints.Select(r => BestSoFar(r, x)).OfType<double>().ToList();
            if (values.Count > 0)
            {
                points.Add(new CurvePoint(x, MeanSe.Of(values)));
            }
        }

        return points;
    }

    /// <summary>The best score on V a run had found once it had spent <paramref name="calls"/> calls (a run that ended earlier keeps its final best).</summary>
    /// <param name="run">The run.</param>
    /// <param name="calls">The calls.</param>
    /// <returns>The best-so-far score, or <see langword="null"/> before its first scored point.</returns>
    public static double? BestSoFar(ComparisonRun run, long calls)
    {
        ArgumentNullException.ThrowIfNull(run);
        double? best = null;
        foreach (var p in run.Trajectory)
        {
            if (p.Calls > calls)
            {
                break;
            }

            best = best is { } b ? Math.Max(b, p.BestTrainScore) : p.BestTrainScore;
        }

        return best;
    }
}
