using PromptOpt.Data;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Baselines.ProTeGi;

/// <summary>The estimate of one candidate (arm) after a selection.</summary>
/// <param name="Score">The estimated score on V (exact when <paramref name="Examples"/> = |V|), or <see langword="null"/> when never evaluated.</param>
/// <param name="Examples">How many examples of V the estimate is based on.</param>
/// <param name="Rank">The survival rank (successive rejects: the phase it survived to; higher is better); 0 for the other selections.</param>
internal sealed record ArmEstimate(double? Score, int Examples, int Rank);

/// <summary>
/// Scores the candidates of a ProTeGi round (ProTeGi section 2.2.2; LMOps <c>evaluators.py</c>) with one of three
/// selections. Every evaluation goes through the <see cref="ExampleLedger"/>, so an example a candidate was already
/// evaluated on (its minibatch, an earlier round) is never paid for again.
/// </summary>
/// <remarks>
/// <para><b>Brute force</b>: every candidate on all of V.</para>
/// <para><b>Fixed evaluation budget</b> of UCB and successive rejects: B = ⌈<see cref="ProTeGiOptions.SelectionBudgetFraction"/>
/// · n · |V|⌉ example evaluations for n candidates. Both draw one random order π of V per selection (the run's seeded random
/// source), and an arm evaluated on m examples has been evaluated on exactly π[0..m): arms are compared on the same
/// examples and no example is used twice for one arm.</para>
/// <para><b>UCB</b> (UCB1, Auer, Cesa-Bianchi and Fischer 2002, as LMOps <c>UCBBandits</c>): in each bandit round the
/// <see cref="ProTeGiOptions.ArmsPerRound"/> arms with the highest index are pulled, where an arm never pulled has index
/// +∞ (in a random order) and otherwise index_i = μ̂_i + c·sqrt(ln t / n_i), μ̂_i = the metric on π[0..n_i), n_i = examples
/// arm i was evaluated on, t = Σ n_i, c = <see cref="ProTeGiOptions.UcbExploration"/>. A pull evaluates the arm on its
/// next <see cref="ProTeGiOptions.SamplesPerPull"/> examples of π. Rounds continue while the next pull fits in B; an arm
/// evaluated on all of V is exact and no longer pulled. The estimate is μ̂_i (LMOps counts examples the same way; it uses
/// the round index for t, we use the number of evaluations so t and n_i share a unit).</para>
/// <para><b>Successive rejects</b> (Audibert, Bubeck and Munos 2010, "Best Arm Identification in Multi-Armed Bandits";
/// ProTeGi Algorithm 3; LMOps <c>SuccessiveRejectsEvaluator</c>): with K = n arms,
/// log̅(K) = 1/2 + Σ_{i=2..K} 1/i and n_k = min(|V|, max(1, ⌈(B − K) / (log̅(K)·(K + 1 − k))⌉)), phase k = 1, 2, … evaluates
/// every surviving arm on π[0..n_k) (paying only for π[n_{k−1}..n_k)) and rejects the arm with the lowest score (ties: the
/// later candidate), until <c>keep</c> arms survive (LMOps: "if it's on the beam we don't care about order"). Stopping
/// after n − keep phases spends at most what the full K − 1 phases would, Σ_k n_k + n_{K−1} ≤ B. LMOps scores each phase on
/// a fresh sample only; we use the cumulative sample, as in Audibert et al.</para>
/// <para>When there are no more candidates than <c>keep</c>, UCB and successive rejects evaluate every candidate on
/// π[0..min(|V|, <see cref="ProTeGiOptions.SamplesPerPull"/>)) only, to order them.</para>
/// </remarks>
internal sealed class CandidateScorer(OptimizationSession session, ExampleLedger ledger, ProTeGiOptions options)
{
    /// <summary>Gets the number of example evaluations the last selection paid for.</summary>
    public long LastSpent { get; private set; }

    /// <summary>Gets the evaluation budget B of the last bandit selection (0 for brute force).</summary>
    public long LastBudget { get; private set; }

    /// <summary>Computes the fixed evaluation budget for <paramref name="arms"/> candidates on a V of <paramref name="v"/> examples.</summary>
    /// <param name="options">The options.</param>
    /// <param name="arms">The number of candidates.</param>
    /// <param name="v">|V|.</param>
    /// <returns>B.</returns>
    public static long BudgetFor(ProTeGiOptions options, int arms, int v) => (long)Math.Ceiling(options.SelectionBudgetFraction * arms * v);

    /// <summary>Computes successive rejects' cumulative sample sizes n_1 … n_phases.</summary>
    /// <param name="arms">K, the number of arms.</param>
    /// <param name="phases">The number of phases to run (K − keep).</param>
    /// <param name="budget">B.</param>
    /// <param name="v">|V| (the cap).</param>
    /// <returns>The cumulative sizes, non-decreasing.</returns>
    public static IReadOnlyList<int> RejectSchedule(int arms, int phases, long budget, int v)
    {
        double logBar = 0.5 + Enumerable.Range(2, Math.Max(0, arms - 1)).Sum(i => 1.0 / i);
        var sizes = new List<int>(phases);
        int previous = 0;
        for (int k = 1; k <= phases; k++)
        {
            double nk = Math.Ceiling((budget - arms) / (logBar * (arms + 1 - k)));
            int size = (int)Math.Min(v, Math.Max(1, nk));
            previous = Math.Max(previous, size);
            sizes.Add(previous);
        }

        return sizes;
    }

    /// <summary>Scores the candidates.</summary>
    /// <param name="arms">The candidates (the previous beam first).</param>
    /// <param name="keep">The beam size the selection feeds.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>One estimate per candidate, in order.</returns>
    public async Task<IReadOnlyList<ArmEstimate>> ScoreAsync(IReadOnlyList<Prompt> arms, int keep, CancellationToken cancellationToken)
    {
        LastSpent = 0;
        LastBudget = 0;
        var v = session.TrainSet;
        if (options.Selection == ProTeGiSelection.BruteForce)
        {
            // Issue 17: every arm at once (the evaluation queue), read back in order. An arm's cost is what it had left to
            // pay when its turn came one at a time: a repeated prompt costs nothing after its first evaluation on V.
            var first = new HashSet<string>(StringComparer.Ordinal);
            var costs = arms.Select(a => first.Add(BaselineSupport.Key(a)) ? v.Count - ledger.CountKnown(a, v) : 0).ToList();
            var pulls = session.Batch(arms.Count, costs.Sum(c => (long)c), 0, i => ledger.EvaluateAsync(arms[i], v, cancellationToken));
            await using var pullsDrain = pulls.ConfigureAwait(false);
            var estimates = new List<ArmEstimate>(arms.Count);
            for (int i = 0; i < arms.Count; i++)
            {
                LastSpent += costs[i];
                var r = await pulls[i].ConfigureAwait(false);
                estimates.Add(new ArmEstimate(r.Score, v.Count, 0));
            }

            return estimates;
        }

        var order = BaselineSupport.Sample(session.Rng, v, v.Count);
        LastBudget = BudgetFor(options, arms.Count, v.Count);
        if (arms.Count <= keep)
        {
            int m = Math.Min(v.Count, options.SamplesPerPull);
            var estimates = new List<ArmEstimate>(arms.Count);
            foreach (var arm in arms)
            {
                estimates.Add(await EstimateAsync(arm, order, m, 0, cancellationToken).ConfigureAwait(false));
            }

            return estimates;
        }

        return options.Selection == ProTeGiSelection.Ucb
            ? await UcbAsync(arms, order, cancellationToken).ConfigureAwait(false)
            : await SuccessiveRejectsAsync(arms, keep, order, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ArmEstimate>> UcbAsync(IReadOnlyList<Prompt> arms, List<Example> order, CancellationToken cancellationToken)
    {
        int n = arms.Count, v = order.Count, s = Math.Min(v, options.SamplesPerPull);
        var pulled = new int[n];
        var mean = new double[n];
        for (int i = 0; i < n; i++)
        {
            // What the ledger already knows on a prefix of π is free information (e.g. the parents' minibatch).
            pulled[i] = ledger.KnownPrefix(arms[i], order);
            if (pulled[i] > 0)
            {
                mean[i] = (await ledger.EvaluateAsync(arms[i], order.Take(pulled[i]).ToList(), cancellationToken).ConfigureAwait(false)).Score;
            }
        }

        var tieBreak = BaselineSupport.Sample(session.Rng, Enumerable.Range(0, n).ToList(), n).Select((arm, pos) => (arm, pos)).ToDictionary(x => x.arm, x => x.pos);
        while (true)
        {
            long t = pulled.Sum(x => (long)x);
            var chosen = Enumerable.Range(0, n).Where(i => pulled[i] < v)
                .OrderByDescending(i => Index(i, t)).ThenBy(i => tieBreak[i])
                .Take(options.ArmsPerRound).ToList();
            if (chosen.Count == 0)
            {
                break;
            }

            bool any = false;
            foreach (int i in chosen)
            {
                int next = Math.Min(v, pulled[i] + s);
                int cost = next - pulled[i] - ledger.CountKnown(arms[i], order.Skip(pulled[i]).Take(next - pulled[i]));
                if (LastSpent + cost > LastBudget)
                {
                    continue;
                }

                var r = await ledger.EvaluateAsync(arms[i], order.Take(next).ToList(), cancellationToken).ConfigureAwait(false);
                LastSpent += cost;
                pulled[i] = next;
                mean[i] = r.Score;
                any = true;
            }

            if (!any)
            {
                break; // the next pulls no longer fit in the budget
            }
        }

        return Enumerable.Range(0, n).Select(i => new ArmEstimate(pulled[i] > 0 ? mean[i] : null, pulled[i], 0)).ToList();

        double Index(int i, long t) => pulled[i] == 0
            ? double.PositiveInfinity
            : mean[i] + (options.UcbExploration * Math.Sqrt(Math.Log(Math.Max(1, t)) / pulled[i]));
    }

    private async Task<IReadOnlyList<ArmEstimate>> SuccessiveRejectsAsync(
        IReadOnlyList<Prompt> arms, int keep, List<Example> order, CancellationToken cancellationToken)
    {
        int n = arms.Count;
        var schedule = RejectSchedule(n, n - keep, LastBudget, order.Count);
        var estimates = new ArmEstimate?[n];
        var alive = Enumerable.Range(0, n).ToList();
        for (int k = 0; k < schedule.Count; k++)
        {
            var phase = new List<(int Arm, double Score)>(alive.Count);
            foreach (int i in alive)
            {
                var e = await EstimateAsync(arms[i], order, schedule[k], k + 1, cancellationToken).ConfigureAwait(false);
                estimates[i] = e;
                phase.Add((i, e.Score ?? 0));
            }

            // Reject the lowest; ties reject the later candidate (the previous beam comes first).
            var worst = phase.OrderBy(p => p.Score).ThenByDescending(p => p.Arm).First().Arm;
            alive.Remove(worst);
        }

        foreach (int i in alive)
        {
            estimates[i] = estimates[i]! with { Rank = schedule.Count + 1 };
        }

        return estimates.Select(e => e!).ToList();
    }

    private async Task<ArmEstimate> EstimateAsync(Prompt arm, IReadOnlyList<Example> order, int size, int rank, CancellationToken cancellationToken)
    {
        var sample = order.Take(size).ToList();
        long cost = sample.Count - ledger.CountKnown(arm, sample);
        var r = await ledger.EvaluateAsync(arm, sample, cancellationToken).ConfigureAwait(false);
        LastSpent += cost;
        return new ArmEstimate(r.Score, sample.Count, rank);
    }
}
