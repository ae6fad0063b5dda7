using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Models;

namespace PromptOpt.Optimizers;

/// <summary>One limited dimension of a budget and how much of it a run used.</summary>
/// <param name="Dimension">The dimension: <c>task-calls</c>, <c>optimizer-calls</c>, <c>tokens</c> or <c>dollars</c>.</param>
/// <param name="Used">What the run used (cached calls count, as the budget counts them).</param>
/// <param name="Limit">The limit.</param>
public sealed record BudgetLine(string Dimension, double Used, double Limit)
{
    /// <summary>Gets the share of the limit used (0 when the limit is 0).</summary>
    public double Share => Limit <= 0 ? 1 : Used / Limit;

    /// <inheritdoc/>
    public override string ToString() => Dimension == "dollars"
        ? string.Create(CultureInfo.InvariantCulture, $"${Used:0.####} of ${Limit:0.####} {Dimension}")
        : string.Create(CultureInfo.InvariantCulture, $"{Used:0} of {Limit:0} {Dimension}");
}

/// <summary>How much of its budget a run spent: one line per limited dimension, and the largest share (the binding one).</summary>
/// <param name="Lines">The limited dimensions, in the order task calls, optimizer calls, tokens, dollars.</param>
public sealed record BudgetSpend(IReadOnlyList<BudgetLine> Lines)
{
    /// <summary>Gets the share of the budget spent: the largest share over the limited dimensions, or <see langword="null"/> for an unlimited budget.</summary>
    public double? Share => Lines.Count == 0 ? null : Lines.Max(l => l.Share);

    /// <summary>Gets the dimension with the largest share, or <see langword="null"/>.</summary>
    public string? Binding => Lines.Count == 0 ? null : Lines.MaxBy(l => l.Share)!.Dimension;

    /// <summary>Gets the spend as JSON (<c>share</c>, <c>binding</c>, and per dimension <c>used</c>/<c>limit</c>).</summary>
    /// <returns>The JSON object.</returns>
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["share"] = Share, ["binding"] = Binding };
        foreach (var l in Lines)
        {
            o[l.Dimension] = new JsonObject { ["used"] = l.Used, ["limit"] = l.Limit };
        }

        return o;
    }

    /// <inheritdoc/>
    public override string ToString() => Lines.Count == 0 ? "no limit" : string.Join(", ", Lines.Select(l => l.ToString()));
}

/// <summary>
/// "Budgets are spent, not capped" (issue 13): the shared rules by which each method's default plan scales to the call
/// budget it is given, and how a run measures the share of the budget it spent. A method scales only when its option
/// <c>scale-to-budget</c> is on (the default) and the budget limits task or optimizer calls; token and dollar limits stop
/// a run but do not shape its plan. Naming a plan option explicitly (e.g. <c>--set rounds=3</c>) turns scaling off for
/// that run, so an explicit plan is always run as given.
/// </summary>
public static class BudgetPlanning
{
    /// <summary>Below this share of its budget, a run warns and says why.</summary>
    public const double SpendWarningShare = 0.8;

    /// <summary>Gets whether a budget limits task or optimizer calls (the limits plans scale to).</summary>
    /// <param name="budget">The budget.</param>
    /// <returns><see langword="true"/> when a call limit is set.</returns>
    public static bool HasCallLimit(OptimizationBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return budget.MaxTaskCalls is not null || budget.MaxOptimizerCalls is not null;
    }

    /// <summary>Gets whether the calls left in the budget pay for <paramref name="taskCalls"/> task and <paramref name="optimizerCalls"/> optimizer calls.</summary>
    /// <param name="meter">The run's usage meter.</param>
    /// <param name="taskCalls">Task calls needed.</param>
    /// <param name="optimizerCalls">Optimizer calls needed.</param>
    /// <returns><see langword="true"/> when both fit.</returns>
    public static bool Affords(UsageMeter meter, long taskCalls, long optimizerCalls)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return meter.RemainingCalls(ModelRoles.Task) >= taskCalls && meter.RemainingCalls(ModelRoles.Optimizer) >= optimizerCalls
            && meter.ExhaustedReason(ModelRoles.Task) is null && meter.ExhaustedReason(ModelRoles.Optimizer) is null;
    }

    /// <summary>
    /// Gets whether the budget cannot run out while <paramref name="taskCalls"/> task and <paramref name="optimizerCalls"/>
    /// optimizer calls (upper bounds) run: no token or dollar limit, and the calls left pay for them. Only then may work
    /// that a sequential run would have stopped at a budget stop run concurrently (<see cref="EvaluationBatch{T}"/>).
    /// </summary>
    /// <param name="meter">The run's usage meter.</param>
    /// <param name="taskCalls">The most task calls the work can make.</param>
    /// <param name="optimizerCalls">The most optimizer calls the work can make.</param>
    /// <returns><see langword="true"/> when the work cannot meet a budget stop.</returns>
    internal static bool CannotRunOut(UsageMeter meter, long taskCalls, long optimizerCalls)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return meter.Budget.MaxTokens is null && meter.Budget.MaxDollars is null && Affords(meter, taskCalls, optimizerCalls);
    }

    /// <summary>Describes what is left of the call budget, for "why the plan stopped" notes.</summary>
    /// <param name="meter">The run's usage meter.</param>
    /// <returns>E.g. "120 task calls and 3 optimizer calls left".</returns>
    public static string Remaining(UsageMeter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        static string N(long n) => n == long.MaxValue ? "unlimited" : n.ToString(CultureInfo.InvariantCulture);
        return $"{N(meter.RemainingCalls(ModelRoles.Task))} task calls and {N(meter.RemainingCalls(ModelRoles.Optimizer))} optimizer calls left";
    }

    /// <summary>Gets whether <paramref name="settings"/> names any of the options (compared as <see cref="OptionsValidation.Bind"/> does).</summary>
    /// <param name="settings">The settings, or <see langword="null"/>.</param>
    /// <param name="propertyNames">Option property names (e.g. <c>nameof(ProTeGiOptions.Rounds)</c>).</param>
    /// <returns><see langword="true"/> when one is given.</returns>
    public static bool Names(IReadOnlyDictionary<string, string>? settings, params string[] propertyNames)
    {
        ArgumentNullException.ThrowIfNull(propertyNames);
        if (settings is null)
        {
            return false;
        }

        static string C(string k) => new string(k.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        var keys = settings.Keys.Select(C).ToHashSet(StringComparer.Ordinal);
        return propertyNames.Any(p => keys.Contains(C(p)));
    }

    /// <summary>
    /// Binds settings to options whose plan scales with the budget: an explicit plan option (one of
    /// <paramref name="planOptions"/>) without an explicit <c>scale-to-budget</c> turns scaling off.
    /// </summary>
    /// <param name="options">The options (must have a writable bool <c>ScaleToBudget</c>).</param>
    /// <param name="settings">The settings.</param>
    /// <param name="setScale">Sets the options' <c>ScaleToBudget</c>.</param>
    /// <param name="planOptions">The plan options' property names.</param>
    public static void BindScaled(object options, IReadOnlyDictionary<string, string>? settings, Action<bool> setScale, params string[] planOptions)
    {
        ArgumentNullException.ThrowIfNull(setScale);
        OptionsValidation.Bind(options, settings);
        if (!Names(settings, "ScaleToBudget") && Names(settings, planOptions))
        {
            setScale(false);
        }
    }

    /// <summary>Measures the share of <paramref name="budget"/> that <paramref name="usage"/> spent.</summary>
    /// <param name="budget">The budget.</param>
    /// <param name="usage">The run's usage.</param>
    /// <returns>The spend.</returns>
    public static BudgetSpend Measure(OptimizationBudget budget, UsageSnapshot usage)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(usage);
        var lines = new List<BudgetLine>();
        if (budget.MaxTaskCalls is { } t)
        {
            lines.Add(new("task-calls", usage.For(ModelRoles.Task).Calls + usage.For(ModelRoles.Agent).Calls, t));
        }

        if (budget.MaxOptimizerCalls is { } o)
        {
            lines.Add(new("optimizer-calls", usage.For(ModelRoles.Optimizer).Calls, o));
        }

        var charged = usage.ByRole.Where(kv => kv.Key != ModelRoles.Test).Select(kv => kv.Value).ToList();
        if (budget.MaxTokens is { } k)
        {
            lines.Add(new("tokens", charged.Sum(c => c.InputTokens + c.OutputTokens), k));
        }

        if (budget.MaxDollars is { } d)
        {
            lines.Add(new("dollars", (double)charged.Sum(c => c.EstimatedDollars), (double)d));
        }

        return new BudgetSpend(lines);
    }
}
