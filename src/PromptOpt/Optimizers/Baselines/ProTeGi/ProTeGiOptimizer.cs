using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Prompts;
using static PromptOpt.Optimizers.Baselines.BaselineSupport;

namespace PromptOpt.Optimizers.Baselines.ProTeGi;

/// <summary>
/// ProTeGi (Pryzant et al. 2023) as in ALGORITHMS.md 4.2: beam search over user prompts. Each round every beam member is
/// evaluated on a minibatch of V, its errors give textual gradients, each gradient an edit, and the edits and the member
/// get Monte-Carlo paraphrases (at most <see cref="ProTeGiOptions.MaxExpansionsPerParent"/> successors per member); the
/// beam members and all successors are then scored by the <see cref="ProTeGiOptions.Selection"/> (brute force, UCB or
/// successive rejects) and the best <see cref="ProTeGiOptions.BeamSize"/> form the next beam. At the end the final beam
/// is scored on all of V and the best prompt (or the start prompt, if none beats it) is returned.
/// </summary>
/// <remarks>
/// <para>Only the user prompt is optimized: <see cref="Prompt.System"/> of the start prompt is never changed, so the
/// search can adapt user prompts under a fixed system prompt (MetaSPO's test-time adaptation: <c>InitialCandidates = 3,
/// BeamSize = 3, MaxExpansionsPerParent = 3, Rounds = 6, RecordTestScores = true</c>, and optionally
/// <see cref="ProTeGiExpansion.AnalyzeAndGenerate"/>).</para>
/// <para>Details: <c>selection</c> (the selection's name) and <c>iterations</c>: entry 0 is the start prompt, then one
/// entry per step with <c>step</c>, <c>initial</c> (the extra initial round), <c>minibatch</c>, <c>candidates</c>,
/// <c>new</c>, <c>spent</c> (example evaluations the selection paid for), <c>budget</c> (the bandit budget B),
/// <c>best_candidate</c>, <c>best_train</c> (the beam leader's estimate on V), <c>best_examples</c> (how many examples
/// of V the estimate is based on), <c>beam</c> (<c>candidate</c>, <c>score</c>, <c>examples</c>) and, with
/// <see cref="ProTeGiOptions.RecordTestScores"/>, <c>test</c> (the beam leader's test score).</para>
/// </remarks>
public sealed class ProTeGiOptimizer : IPromptOptimizer, IStepCost
{
    /// <summary>The method name used on the command line.</summary>
    public const string MethodName = "protegi";

    /// <summary>Initializes a new instance of the <see cref="ProTeGiOptimizer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="PromptOptInputException">An option is invalid (all problems in one message).</exception>
    public ProTeGiOptimizer(ProTeGiOptions? options = null)
    {
        Options = options ?? new ProTeGiOptions();
        OptionsValidation.Validate(Options);
    }

    /// <summary>The one-line description shown by the command line.</summary>
    public const string Description = "ProTeGi: textual gradients, edits and paraphrases in a beam search with bandit selection (Pryzant et al. 2023)";

    /// <summary>Creates the optimizer with key/value settings bound to its options (see <see cref="OptionsValidation.Bind"/>).</summary>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="PromptOptInputException">An unknown key or an invalid value (all problems in one message).</exception>
    public static ProTeGiOptimizer FromSettings(IReadOnlyDictionary<string, string>? settings)
    {
        var options = new ProTeGiOptions();
        BudgetPlanning.BindScaled(options, settings, scale => options.ScaleToBudget = scale,
            nameof(ProTeGiOptions.Rounds), nameof(ProTeGiOptions.BeamSize), nameof(ProTeGiOptions.Gradients),
            nameof(ProTeGiOptions.Paraphrases), nameof(ProTeGiOptions.MaxExpansionsPerParent));
        return new ProTeGiOptimizer(options);
    }

    /// <inheritdoc />
    public string Name => MethodName;

    /// <inheritdoc />
    public (long TaskCalls, long OptimizerCalls) MinimumRun(int trainSize)
    {
        // The cheapest shape the planner can choose (or the options' own when they do not scale), one round.
        var o = Options.Clone();
        if (o.ScaleToBudget)
        {
            (o.BeamSize, o.Gradients, o.Paraphrases, o.MaxExpansionsPerParent) = ProTeGiPlanner.Ladder[^1];
        }

        var e = Estimate(o, trainSize);
        return (e.TaskPerStep, e.OptimizerPerStep);
    }

    /// <summary>Gets the options.</summary>
    public ProTeGiOptions Options { get; }

    /// <inheritdoc />
    public async Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        OptionsValidation.Validate(Options);
        var o = Options;
        var session = new OptimizationSession(MethodName, request);
        var budget = request.Usage.Budget;
        bool scales = session.Scales(o.ScaleToBudget);
        if (scales)
        {
            o = ProTeGiPlanner.Plan(o, budget, session.TrainSet.Count);
        }

        session.Plan = $"{o.Rounds} round(s), beam {o.BeamSize}, {o.Gradients} gradient(s), {o.Paraphrases} paraphrase(s), " +
            $"at most {o.MaxExpansionsPerParent} expansion(s) per parent" + (scales ? "; scaled to the budget (more rounds while it pays for them)" : string.Empty);
        var run = new Run(session, o, CreateOperations(session, o.Temperature), scales);
        var estimate = Estimate(o, session.TrainSet.Count);
        session.Announce(Cap(estimate.Task, budget.MaxTaskCalls), Cap(estimate.Optimizer, budget.MaxOptimizerCalls), estimate.TaskPerStep, estimate.OptimizerPerStep);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Estimates the calls of a run (beam growth from one start prompt; upper bounds, retries not included).</summary>
    /// <param name="o">The options.</param>
    /// <param name="v">|V|.</param>
    /// <returns>Task and optimizer calls for the run, and for the start evaluation plus the first step.</returns>
    internal static (long Task, long Optimizer, long TaskPerStep, long OptimizerPerStep) Estimate(ProTeGiOptions o, int v)
    {
        int m = Math.Min(o.MinibatchSize, v);
        var caps = new List<int>();
        if (o.InitialCandidates > 0)
        {
            caps.Add(o.InitialCandidates);
        }

        caps.AddRange(Enumerable.Repeat(o.MaxExpansionsPerParent, o.Rounds));
        long task = v, opt = 0, taskStep = 0, optStep = 0;
        long beam = 1;
        for (int s = 0; s < caps.Count; s++)
        {
            long children = beam * caps[s];
            long stepOpt = beam * ProTeGiExpander.CallsPerParent(o, caps[s]);
            long stepTask = o.Selection == ProTeGiSelection.BruteForce
                ? children * v
                : (beam * m) + (long)Math.Ceiling(o.SelectionBudgetFraction * (beam + children) * v);
            task += stepTask;
            opt += stepOpt;
            if (s == 0)
            {
                taskStep = v + stepTask;
                optStep = stepOpt;
            }

            beam = Math.Min(o.BeamSize, beam + children);
        }

        if (o.Selection != ProTeGiSelection.BruteForce)
        {
            task += beam * v; // the final beam scored on all of V
        }

        return (task, opt, taskStep, optStep);
    }

    /// <summary>One run's state.</summary>
    private sealed class Run(OptimizationSession session, ProTeGiOptions o, PromptOperations ops, bool scales)
    {
        private readonly ExampleLedger _ledger = new(session);
        private readonly JsonArray _iterations = [];
        private readonly Dictionary<string, double> _testScores = new(StringComparer.Ordinal);
        private readonly List<CandidateRecord> _interrupted = [];

        public async Task<OptimizationResult> ExecuteAsync(CancellationToken cancellationToken)
        {
            var scorer = new CandidateScorer(session, _ledger, o);
            var expander = new ProTeGiExpander(session, ops, o);
            var v = session.TrainSet;
            var start = session.StartPrompt;
            CandidateRecord? startRecord = null;
            var beam = new List<Member>();
            var successors = new List<(Successor Successor, Member Parent)>();
            int step = 0;
            string stop = Completed;
            try
            {
                var startEval = await _ledger.EvaluateAsync(start, v, cancellationToken).ConfigureAwait(false);
                startRecord = session.AddCandidate(start, startEval.Score, null, "initial", 0, accepted: true);
                beam.Add(new Member(startRecord, new ArmEstimate(startEval.Score, v.Count, 0)));
                await RecordIterationAsync(0, false, 0, 0, 0, 0, 0, beam, cancellationToken).ConfigureAwait(false);

                int totalSteps = o.Rounds + (o.InitialCandidates > 0 ? 1 : 0);
                for (step = 1; step <= totalSteps || (scales && AffordsAnotherRound(step, beam.Count)); step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    bool initial = o.InitialCandidates > 0 && step == 1;
                    int cap = initial ? o.InitialCandidates : o.MaxExpansionsPerParent;
                    session.Emit(new StepStarted(step, totalSteps, initial ? "initial candidates from the start prompt" : $"expand a beam of {beam.Count}"));

                    // ProTeGi expand: one minibatch of V per round, shared by the beam (LMOps samples it once per round).
                    int m = Math.Min(o.MinibatchSize, v.Count);
                    var minibatch = m >= v.Count ? v : Sample(session.Rng, v, m);
                    var roundKeys = new HashSet<string>(StringComparer.Ordinal);
                    successors.Clear();
                    // Issue 17: every parent's minibatch is scored at once (they wait for no score) and the expansions,
                    // which draw from the run's random source, run in beam order as each parent's scores arrive.
                    var parents = beam.ToList();
                    var minibatches = session.Batch(parents.Count, (long)parents.Count * minibatch.Count,
                        parents.Count * ProTeGiExpander.CallsPerParent(o, cap), i => _ledger.EvaluateAsync(parents[i].Record.Prompt, minibatch, cancellationToken));
                    await using var minibatchesDrain = minibatches.ConfigureAwait(false);
                    for (int p = 0; p < parents.Count; p++)
                    {
                        var parent = parents[p];
                        var mb = await minibatches[p].ConfigureAwait(false);
                        var written = await expander.ExpandAsync(parent.Record.Prompt, mb.Results, cap,
                            p => !session.HasSeen(p) && !roundKeys.Contains(Key(p)), cancellationToken).ConfigureAwait(false);
                        foreach (var s in written)
                        {
                            roundKeys.Add(Key(s.Prompt));
                            successors.Add((s, parent));
                        }
                    }

                    // ProTeGi select: score the beam and all successors, keep the best BeamSize.
                    var arms = beam.Select(b => b.Record.Prompt).Concat(successors.Select(s => s.Successor.Prompt)).ToList();
                    var estimates = await scorer.ScoreAsync(arms, o.BeamSize, cancellationToken).ConfigureAwait(false);
                    var members = beam.Select((b, i) => b with { Estimate = estimates[i] }).ToList();
                    for (int j = 0; j < successors.Count; j++)
                    {
                        var (s, parent) = successors[j];
                        var e = estimates[beam.Count + j];
                        var note = NoteOf(s.Note, e, v.Count);
                        members.Add(new Member(session.AddCandidate(s.Prompt, e.Score, parent.Record.Id, s.Operation, step, accepted: false, note), e));
                    }

                    beam = members.Select((mem, i) => (mem, i))
                        .OrderByDescending(x => x.mem.Estimate.Rank)
                        .ThenByDescending(x => x.mem.Estimate.Score ?? double.NegativeInfinity)
                        .ThenBy(x => x.i)
                        .Take(o.BeamSize).Select(x => x.mem).ToList();
                    foreach (var b in beam)
                    {
                        session.SetAccepted(b.Record.Id, true);
                    }

                    int fresh = successors.Count;
                    successors.Clear();

                    await RecordIterationAsync(step, initial, minibatch.Count, arms.Count, fresh, scorer.LastSpent, scorer.LastBudget, beam, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (BudgetExhaustedException)
            {
                stop = Budget;
                await RecordInterruptedAsync(successors, step, cancellationToken).ConfigureAwait(false);
            }

            if (startRecord is null)
            {
                return await session.FinishAsync(start, 0, 0, stop, Details(), cancellationToken).ConfigureAwait(false);
            }

            // The final beam on all of V (free for brute force), so the returned score is comparable with the start's; after
            // a budget stop, also the successors of the interrupted round that were already scored on all of V.
            // No more calls once the budget is spent: only prompts already scored on all of V compete. The rest are scored
            // at once (issue 17), read back in order.
            var finalists = beam.Select(b => b.Record).Prepend(startRecord).Concat(_interrupted).DistinctBy(r => r.Id)
                .Where(f => stop != Budget || _ledger.CountKnown(f.Prompt, v) == v.Count).ToList();
            var scored = new List<(CandidateRecord Record, double Score)>();
            var finals = session.Batch(finalists.Count, (long)finalists.Count * v.Count, 0, i => _ledger.EvaluateAsync(finalists[i].Prompt, v, cancellationToken));
            await using var finalsDrain = finals.ConfigureAwait(false);
            for (int i = 0; i < finalists.Count; i++)
            {
                var f = finalists[i];
                if (stop == Budget && _ledger.CountKnown(f.Prompt, v) < v.Count)
                {
                    continue; // the budget ran out during these (one at a time then): this one is never started
                }

                try
                {
                    scored.Add((f, (await finals[i].ConfigureAwait(false)).Score));
                }
                catch (BudgetExhaustedException)
                {
                    stop = Budget;
                }
            }

            var best = scored.OrderByDescending(x => x.Score).ThenBy(x => x.Record.Id).First();
            session.SetAccepted(best.Record.Id, true);
            var details = Details();
            details["final"] = new JsonArray(scored.Select(x => (JsonNode?)new JsonObject { ["candidate"] = x.Record.Id, ["score"] = x.Score }).ToArray());
            return await session.FinishAsync(best.Record.Prompt, startRecord.TrainScore ?? 0, best.Score, stop, details, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Whether a budget-scaled run goes on with round <paramref name="step"/> past its plan: at most
        /// <see cref="ProTeGiPlanner.MaximumRounds"/>, and only while the budget pays for the round's optimizer calls and
        /// for scoring at least one successor on V.
        /// </summary>
        private bool AffordsAnotherRound(int step, int beam)
        {
            long optimizer = beam * ProTeGiExpander.CallsPerParent(o, o.MaxExpansionsPerParent);
            long task = session.TrainSet.Count;
            if (step <= ProTeGiPlanner.MaximumRounds && BudgetPlanning.Affords(session.Request.Usage, task, optimizer))
            {
                return true;
            }

            session.PlanEnd = step > ProTeGiPlanner.MaximumRounds
                ? $"it ran the most rounds a plan has ({ProTeGiPlanner.MaximumRounds})"
                : $"another round of a beam of {beam} needs {optimizer} optimizer calls and at least {task} task calls; {BudgetPlanning.Remaining(session.Request.Usage)}";
            return false;
        }

        /// <summary>
        /// Records the successors of a round the budget interrupted: their optimizer calls were paid for. A successor
        /// already scored on all of V keeps that score and competes in the final pick; one scored on part of V gets that
        /// estimate; one never evaluated is recorded unscored.
        /// </summary>
        private async Task RecordInterruptedAsync(List<(Successor Successor, Member Parent)> successors, int step, CancellationToken cancellationToken)
        {
            var v = session.TrainSet;
            foreach (var (s, parent) in successors)
            {
                int known = _ledger.CountKnown(s.Prompt, v);
                if (known == 0)
                {
                    session.AddCandidate(s.Prompt, null, parent.Record.Id, s.Operation, step, accepted: false, "not evaluated: the budget ran out");
                    continue;
                }

                var knownExamples = v.Where(e => _ledger.CountKnown(s.Prompt, [e]) == 1).ToList();
                var score = (await _ledger.EvaluateAsync(s.Prompt, knownExamples, cancellationToken).ConfigureAwait(false)).Score; // no calls: all known
                var record = session.AddCandidate(s.Prompt, score, parent.Record.Id, s.Operation, step, accepted: false,
                    known == v.Count ? "scored before the budget ran out" : $"estimated on {known} of {v.Count} examples when the budget ran out");
                if (known == v.Count)
                {
                    _interrupted.Add(record);
                }
            }

            successors.Clear();
        }

        private JsonObject Details() => new()
        {
            ["selection"] = o.Selection.ToString(),
            ["expansion"] = o.Expansion.ToString(),
            ["iterations"] = _iterations.DeepClone(),
        };

        private async Task RecordIterationAsync(
            int step, bool initial, int minibatch, int candidates, int fresh, long spent, long budget, List<Member> beam, CancellationToken cancellationToken)
        {
            var leader = beam[0];
            double bestTrain = leader.Estimate.Score ?? 0;
            var entry = new JsonObject
            {
                ["step"] = step,
                ["initial"] = initial,
                ["minibatch"] = minibatch,
                ["candidates"] = candidates,
                ["new"] = fresh,
                ["spent"] = spent,
                ["budget"] = budget,
                ["best_candidate"] = leader.Record.Id,
                ["best_train"] = bestTrain,
                ["best_examples"] = leader.Estimate.Examples,
                ["beam"] = new JsonArray(beam.Select(b => (JsonNode?)new JsonObject
                {
                    ["candidate"] = b.Record.Id,
                    ["score"] = b.Estimate.Score,
                    ["examples"] = b.Estimate.Examples,
                }).ToArray()),
            };
            string detail = $"beam leader #{leader.Record.Id} {F(bestTrain)} on {leader.Estimate.Examples} examples";
            if (o.RecordTestScores)
            {
                var key = Key(leader.Record.Prompt);
                if (!_testScores.TryGetValue(key, out var test))
                {
                    test = (await session.TestScoreAsync(leader.Record.Prompt, cancellationToken).ConfigureAwait(false)).Score;
                    _testScores[key] = test;
                }

                entry["test"] = test;
                detail += $"; test {F(test)}";
                if (step > 0)
                {
                    session.Track(bestTrain, test);
                    session.Emit(new StepCompleted(step, bestTrain, session.Request.Usage.Snapshot(), detail));
                }
            }
            else if (step > 0)
            {
                session.CompleteStep(step, bestTrain, detail);
            }

            _iterations.Add(entry);
        }

        private static string? NoteOf(string? source, ArmEstimate e, int v)
        {
            var scored = e.Examples >= v ? null : e.Examples == 0 ? "not evaluated by the selection" : $"estimated on {e.Examples} of {v} examples";
            var note = string.Join("; ", new[] { scored, source }.Where(x => !string.IsNullOrEmpty(x)));
            return note.Length == 0 ? null : note;
        }
    }

    /// <summary>A beam member: its record and current estimate.</summary>
    /// <param name="Record">The candidate record.</param>
    /// <param name="Estimate">The estimate.</param>
    private sealed record Member(CandidateRecord Record, ArmEstimate Estimate);
}
