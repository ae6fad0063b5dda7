using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Prompts;
using static PromptOpt.Optimizers.Baselines.BaselineSupport;

namespace PromptOpt.Optimizers.Baselines.Ape;

/// <summary>
/// APE (Zhou et al. 2022) as in ALGORITHMS.md 4.2: induce <see cref="ApeOptions.Candidates"/> instructions from random
/// demos → evaluate each on V → keep the top <see cref="ApeOptions.TopK"/> → paraphrase each (Monte-Carlo resampling)
/// → evaluate → return the best. Only the user prompt is optimized; the start prompt's system part is kept.
/// </summary>
/// <remarks>
/// Steps: step 1 is the induction, steps 2… the resampling rounds. Details: <c>rounds</c> (one entry per step with
/// <c>step</c>, <c>operation</c>, <c>proposed</c>, <c>evaluated</c>, <c>duplicates</c>, <c>best</c>, <c>kept</c> ids)
/// and <c>top_k</c> (the ids of the final top-k).
/// </remarks>
public sealed class ApeOptimizer : IPromptOptimizer, IStepCost
{
    /// <summary>The method name used on the command line.</summary>
    public const string MethodName = "ape";

    /// <summary>Initializes a new instance of the <see cref="ApeOptimizer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="PromptOptInputException">An option is invalid (all problems in one message).</exception>
    public ApeOptimizer(ApeOptions? options = null)
    {
        Options = options ?? new ApeOptions();
        OptionsValidation.Validate(Options);
    }

    /// <summary>The one-line description shown by the command line.</summary>
    public const string Description = "APE: induce instructions from random demos, keep the top-k, resample them by paraphrase (Zhou et al. 2022)";

    /// <summary>Creates the optimizer with key/value settings bound to its options (see <see cref="OptionsValidation.Bind"/>).</summary>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="PromptOptInputException">An unknown key or an invalid value (all problems in one message).</exception>
    public static ApeOptimizer FromSettings(IReadOnlyDictionary<string, string>? settings)
    {
        var options = new ApeOptions();
        OptionsValidation.Bind(options, settings);
        return new ApeOptimizer(options);
    }

    /// <inheritdoc />
    public string Name => MethodName;

    /// <inheritdoc />
    public (long TaskCalls, long OptimizerCalls) MinimumRun(int trainSize)
    {
        long resample = (long)Options.ResampleRounds * Options.TopK * Options.ParaphrasesPerCandidate;
        return (trainSize * (2 + resample), 1 + resample); // the start prompt, one induced candidate, the resampling
    }

    /// <summary>Gets the options.</summary>
    public ApeOptions Options { get; }

    /// <inheritdoc />
    public async Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        OptionsValidation.Validate(Options);
        var o = Options;
        var session = new OptimizationSession(MethodName, request);
        var ops = CreateOperations(session, o.Temperature);
        var start = session.StartPrompt;

        // Estimate (ALGORITHMS.md 5, "All methods"): |V| per evaluated prompt; one optimizer call per candidate.
        long v = session.TrainSet.Count;
        var budget = request.Usage.Budget;
        int candidates = ResolveCandidates(o, budget, (int)v);
        session.Plan = o.Candidates is null && session.Scales(o.ScaleToBudget)
            ? $"{candidates} induced candidates (scaled to the budget, at most {ApeOptions.PaperCandidates}), {o.ResampleRounds} resampling round(s) of the top {o.TopK} × {o.ParaphrasesPerCandidate} paraphrases"
            : $"{candidates} induced candidates, {o.ResampleRounds} resampling round(s) of the top {o.TopK} × {o.ParaphrasesPerCandidate} paraphrases";
        long optPlanned = candidates + ((long)o.ResampleRounds * o.TopK * o.ParaphrasesPerCandidate);
        session.Announce(Cap(v * (1 + optPlanned), budget.MaxTaskCalls), Cap(optPlanned, budget.MaxOptimizerCalls), v * (1 + candidates), candidates);

        var pool = new List<CandidateRecord>();
        var rounds = new JsonArray();
        CandidateRecord? startRecord = null;
        string stop = Completed;
        int sample = 0;
        try
        {
            // APE step 1: induce N instructions, each from its own random demo set (drawn from the training split). The
            // start prompt's score does not feed them, so they run while it is scored (issue 17) when the budget cannot
            // stop either; otherwise the start prompt is scored first, as a budget stop there must leave them unpaid.
            // Scoring draws nothing, so the demo sets are the same draws either way.
            var demoSets = Enumerable.Range(0, candidates)
                .Select(_ => Sample(session.Rng, request.Task.Dataset.Train, o.DemosPerCandidate)).ToList();
            var inductions = session.Batch(demoSets.Count, v, demoSets.Count, i => ops.InduceInstructionAsync(demoSets[i], i, cancellationToken));
            await using var inductionsDrain = inductions.ConfigureAwait(false);
            sample = demoSets.Count;
            var startEval = await session.EvaluateAsync(start, session.TrainSet, cancellationToken).ConfigureAwait(false);
            startRecord = session.AddCandidate(start, startEval.Score, null, "initial", 0, accepted: true);
            if (o.KeepStartPrompt)
            {
                pool.Add(startRecord);
            }

            var induced = inductions.Concurrent
                ? await inductions.AllAsync().ConfigureAwait(false)
                : await WhenAllAsync(Enumerable.Range(0, demoSets.Count).Select(i => inductions[i]).ToList()).ConfigureAwait(false);
            var proposals = induced.Select((p, i) => p is null ? null
                : new Proposal(WithSystem(p, start.System), null, "demos " + string.Join(",", demoSets[i].Select(e => e.Id)))).ToList();
            var summary = await EvaluateAllAsync(session, proposals, "induce", 1, pool, cancellationToken).ConfigureAwait(false);
            rounds.Add(Round(1, "induce", summary, pool, o.TopK));
            session.CompleteStep(1, Best(pool, startRecord).TrainScore ?? 0, $"induced {summary.Evaluated} new candidates");

            // APE resampling (iterative Monte-Carlo search): paraphrase the top-k, evaluate, merge.
            for (int r = 1; r <= o.ResampleRounds; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int step = 1 + r;
                var top = TopK(pool, o.TopK);
                foreach (var t in top)
                {
                    session.SetAccepted(t.Id, true);
                }

                var jobs = top.SelectMany(t => Enumerable.Range(0, o.ParaphrasesPerCandidate).Select(_ => (Parent: t, Sample: sample++))).ToList();
                var paraphrased = await WhenAllAsync(jobs
                    .Select(j => ops.ParaphraseAsync(j.Parent.Prompt, j.Sample, cancellationToken)).ToList()).ConfigureAwait(false);
                var next = paraphrased.Select((p, i) => p is null ? null : new Proposal(WithSystem(p, start.System), jobs[i].Parent.Id, null)).ToList();
                var s = await EvaluateAllAsync(session, next, "paraphrase", step, pool, cancellationToken).ConfigureAwait(false);
                rounds.Add(Round(step, "paraphrase", s, pool, o.TopK));
                session.CompleteStep(step, Best(pool, startRecord).TrainScore ?? 0, $"resampled {s.Evaluated} new candidates from the top {top.Count}");
            }
        }
        catch (BudgetExhaustedException)
        {
            stop = Budget;
        }

        if (startRecord is null)
        {
            // The budget ran out before the start prompt was scored: nothing to compare, return the start.
            return await session.FinishAsync(start, 0, 0, stop, new JsonObject { ["rounds"] = rounds }, cancellationToken).ConfigureAwait(false);
        }

        var best = Best(pool, startRecord);
        session.SetAccepted(best.Id, true);
        var details = new JsonObject
        {
            ["candidates"] = candidates,
            ["rounds"] = rounds,
            ["top_k"] = new JsonArray(TopK(pool, o.TopK).Select(c => (JsonNode?)JsonValue.Create(c.Id)).ToArray()),
        };
        return await session.FinishAsync(best.Prompt, startRecord.TrainScore ?? 0, best.TrainScore ?? 0, stop, details, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves the number of induced candidates: the option, or the default scaled to the budget (up to the paper's 250 with <see cref="ApeOptions.ScaleToBudget"/>).</summary>
    /// <param name="o">The options.</param>
    /// <param name="budget">The run's budget.</param>
    /// <param name="v">|V|.</param>
    /// <returns>The number of candidates to induce.</returns>
    internal static int ResolveCandidates(ApeOptions o, OptimizationBudget budget, int v)
    {
        if (o.Candidates is { } n)
        {
            return n;
        }

        long resample = (long)o.ResampleRounds * o.TopK * o.ParaphrasesPerCandidate;
        long candidates = o.ScaleToBudget && BudgetPlanning.HasCallLimit(budget) ? ApeOptions.PaperCandidates : ApeOptions.DefaultCandidates;
        if (budget.MaxTaskCalls is { } t)
        {
            candidates = Math.Min(candidates, (t / Math.Max(1, v)) - 1 - resample);
        }

        if (budget.MaxOptimizerCalls is { } c)
        {
            candidates = Math.Min(candidates, c - resample);
        }

        return (int)Math.Max(1, candidates);
    }

    private static async Task<RoundSummary> EvaluateAllAsync(
        OptimizationSession session, IReadOnlyList<Proposal?> proposals, string operation, int step,
        List<CandidateRecord> pool, CancellationToken cancellationToken)
    {
        // Issue 17: every new candidate of the round is scored at once (the evaluation queue) and read back in order. The
        // loop below skips exactly the candidates this pass skips: empty, recorded before, or repeated earlier in the round.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scored = proposals.OfType<Proposal>().Where(p => !session.HasSeen(p.Prompt) && seen.Add(p.Prompt.Key)).Select(p => p.Prompt).ToList();
        var scoring = session.Batch(scored.Count, (long)scored.Count * session.TrainSet.Count, 0,
            j => session.EvaluateAsync(scored[j], session.TrainSet, cancellationToken));
        await using var scoringDrain = scoring.ConfigureAwait(false);
        int duplicates = 0, evaluated = 0, dropped = 0;
        for (int i = 0; i < proposals.Count; i++)
        {
            if (proposals[i] is not { } c)
            {
                dropped++;
                continue;
            }

            if (session.HasSeen(c.Prompt))
            {
                duplicates++; // dedupe before paying (ALGORITHMS.md 4.2, "Cross-cutting")
                continue;
            }

            try
            {
                var eval = await scoring[evaluated].ConfigureAwait(false);
                pool.Add(session.AddCandidate(c.Prompt, eval.Score, c.Parent, operation, step, accepted: false, c.Note));
                evaluated++;
            }
            catch (BudgetExhaustedException)
            {
                // The optimizer calls were paid for: keep the written candidates on record, unscored.
                foreach (var rest in proposals.Skip(i).OfType<Proposal>().Where(r => !session.HasSeen(r.Prompt)).DistinctBy(r => Key(r.Prompt)))
                {
                    session.AddCandidate(rest.Prompt, null, rest.Parent, operation, step, accepted: false, "not evaluated: the budget ran out");
                }

                throw;
            }
        }

        return new RoundSummary(proposals.Count, evaluated, duplicates, dropped);
    }

    private static List<CandidateRecord> TopK(IEnumerable<CandidateRecord> pool, int k) =>
        pool.OrderByDescending(c => c.TrainScore ?? double.MinValue).ThenBy(c => c.Id).Take(k).ToList();

    private static CandidateRecord Best(List<CandidateRecord> pool, CandidateRecord start) =>
        pool.Count == 0 ? start : TopK(pool, 1)[0];

    private static JsonObject Round(int step, string operation, RoundSummary s, List<CandidateRecord> pool, int k) => new()
    {
        ["step"] = step,
        ["operation"] = operation,
        ["proposed"] = s.Proposed,
        ["evaluated"] = s.Evaluated,
        ["duplicates"] = s.Duplicates,
        ["dropped"] = s.Dropped,
        ["best"] = pool.Count == 0 ? null : JsonValue.Create(TopK(pool, 1)[0].TrainScore),
        ["kept"] = new JsonArray(TopK(pool, k).Select(c => (JsonNode?)JsonValue.Create(c.Id)).ToArray()),
    };

    private sealed record Proposal(Prompt Prompt, int? Parent, string? Note);

    private readonly record struct RoundSummary(int Proposed, int Evaluated, int Duplicates, int Dropped);
}
