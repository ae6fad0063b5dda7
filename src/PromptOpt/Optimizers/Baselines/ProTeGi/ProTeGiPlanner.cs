using PromptOpt.Models;

namespace PromptOpt.Optimizers.Baselines.ProTeGi;

/// <summary>
/// Scales ProTeGi's plan to a call budget (issue 13, "budgets are spent, not capped"; ALGORITHMS.md 4.2 and 5
/// "Baselines": the LMOps defaults scaled by the run's budget). The LMOps shape (beam 4, 4 gradients, 2 Monte-Carlo
/// paraphrases, 8 expansions per parent) costs 18 optimizer calls per parent and, with brute-force selection, 8·|V| task
/// calls per parent per round: a 20-optimizer-call budget pays for one round of one parent, and the run used to stop
/// with most of its task budget unused. The planner walks a fixed ladder of shapes from the LMOps one down to the cheapest
/// and takes the first that fits at least <see cref="MinimumRounds"/> rounds (half the paper's 6) into the budget, with
/// as many rounds as fit (at most 100); when none does, the cheapest shape with the rounds that fit. This is our choice:
/// the paper is silent on budgets. The run then goes on past the planned rounds while the budget pays for another round
/// (the estimate is an upper bound: duplicates and dropped replies cost nothing).
/// </summary>
internal static class ProTeGiPlanner
{
    /// <summary>The fewest rounds a preferred shape must fit (half of LMOps' 6).</summary>
    public const int MinimumRounds = 3;

    /// <summary>The most rounds a plan runs (the <see cref="ProTeGiOptions.Rounds"/> range).</summary>
    public const int MaximumRounds = 100;

    /// <summary>The shapes, richest (the LMOps defaults) first: beam, gradients, paraphrases, expansions per parent.</summary>
    internal static readonly (int Beam, int Gradients, int Paraphrases, int Expansions)[] Ladder =
    [
        (4, 4, 2, 8),
        (4, 2, 1, 4),
        (3, 2, 1, 3),
        (2, 1, 1, 2),
        (2, 1, 0, 1),
        (1, 1, 0, 1),
    ];

    /// <summary>Plans a run: a copy of <paramref name="o"/> with the shape and the rounds for <paramref name="budget"/>.</summary>
    /// <param name="o">The options (their selection, minibatch and expansion kind are kept).</param>
    /// <param name="budget">The budget (its call limits).</param>
    /// <param name="v">|V|.</param>
    /// <returns>The planned options.</returns>
    public static ProTeGiOptions Plan(ProTeGiOptions o, OptimizationBudget budget, int v)
    {
        ProTeGiOptions? fallback = null;
        foreach (var (beam, gradients, paraphrases, expansions) in Ladder)
        {
            var shaped = o.Clone();
            shaped.BeamSize = beam;
            shaped.Gradients = gradients;
            shaped.Paraphrases = paraphrases;
            shaped.MaxExpansionsPerParent = expansions;
            int rounds = RoundsThatFit(shaped, budget, v);
            shaped.Rounds = Math.Max(1, rounds);
            if (rounds >= MinimumRounds)
            {
                return shaped;
            }

            fallback = shaped;
        }

        return fallback!;
    }

    /// <summary>The most rounds (0 … <see cref="MaximumRounds"/>) whose estimate fits the budget's call limits.</summary>
    /// <param name="o">The shape.</param>
    /// <param name="budget">The budget.</param>
    /// <param name="v">|V|.</param>
    /// <returns>The rounds.</returns>
    public static int RoundsThatFit(ProTeGiOptions o, OptimizationBudget budget, int v)
    {
        int fit = 0;
        var probe = o.Clone();
        for (int r = 1; r <= MaximumRounds; r++)
        {
            probe.Rounds = r;
            var e = ProTeGiOptimizer.Estimate(probe, v);
            if ((budget.MaxTaskCalls is { } t && e.Task > t) || (budget.MaxOptimizerCalls is { } c && e.Optimizer > c))
            {
                break;
            }

            fit = r;
        }

        return fit;
    }
}
