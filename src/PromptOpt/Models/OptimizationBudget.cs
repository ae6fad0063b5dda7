using System.Globalization;

namespace PromptOpt.Models;

/// <summary>
/// Limits on a run's model usage; any subset may be set. Budgets count <em>logical</em> calls (cache hits included), so a
/// resumed run that replays from the cache stops at exactly the point an uninterrupted run would. Dollars are estimated
/// from the price table on every call (cached calls are priced at what they originally cost).
/// </summary>
public sealed record OptimizationBudget
{
    /// <summary>Gets an unlimited budget.</summary>
    public static OptimizationBudget Unlimited { get; } = new();

    /// <summary>Gets the maximum number of task-model (and agent-model) calls, or <see langword="null"/> for no limit.</summary>
    public long? MaxTaskCalls { get; init; }

    /// <summary>Gets the maximum number of optimizer-model calls, or <see langword="null"/> for no limit.</summary>
    public long? MaxOptimizerCalls { get; init; }

    /// <summary>Gets the maximum number of input + output tokens over all roles, or <see langword="null"/> for no limit.</summary>
    public long? MaxTokens { get; init; }

    /// <summary>Gets the maximum estimated cost in US dollars, or <see langword="null"/> for no limit.</summary>
    public decimal? MaxDollars { get; init; }

    /// <summary>Gets whether no limit is set.</summary>
    public bool IsUnlimited => MaxTaskCalls is null && MaxOptimizerCalls is null && MaxTokens is null && MaxDollars is null;

    /// <inheritdoc />
    public override string ToString()
    {
        if (IsUnlimited)
        {
            return "unlimited";
        }

        var parts = new List<string>();
        if (MaxTaskCalls is { } t)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{t} task calls"));
        }

        if (MaxOptimizerCalls is { } o)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{o} optimizer calls"));
        }

        if (MaxTokens is { } k)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{k} tokens"));
        }

        if (MaxDollars is { } d)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"${d}"));
        }

        return string.Join(", ", parts);
    }
}

/// <summary>Thrown by the usage-metering middleware when a call would exceed the run's budget. Optimizers catch it and stop cleanly.</summary>
public sealed class BudgetExhaustedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="BudgetExhaustedException"/> class.</summary>
    public BudgetExhaustedException()
        : base("The budget is spent.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BudgetExhaustedException"/> class.</summary>
    /// <param name="message">Which limit was reached.</param>
    public BudgetExhaustedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BudgetExhaustedException"/> class.</summary>
    /// <param name="message">Which limit was reached.</param>
    /// <param name="innerException">The inner exception.</param>
    public BudgetExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
