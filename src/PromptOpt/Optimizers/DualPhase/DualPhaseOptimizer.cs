using System.Globalization;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.DualPhase;

/// <summary>
/// Dual-Phase Accelerated Prompt Optimization (Yang et al., Findings of EMNLP 2024; ALGORITHMS.md section 2). Phase 1
/// writes a sectioned initial prompt P0 from a few labelled demos; phase 2 rewrites one sentence per step, chosen with
/// EXP3 weights, guided by the current prompt's failures, screened by a fast check on those failures and accepted only
/// on a gain on the evaluation set V (the request's training subset). This class only orchestrates; the steps live in
/// <see cref="SentenceSampler"/>, <see cref="DualPhaseProposer"/>, <see cref="DualPhaseChecks"/> and
/// <see cref="DualPhaseRecorder"/>.
/// </summary>
/// <remarks>
/// A step whose attempts are all rejected (or skipped as duplicates) still counts as one of the T steps. A run that
/// exhausts its budget stops cleanly with stop reason <c>budget</c> and the best prompt so far. Report details:
/// <c>sentence_weights</c>, <c>edits</c> and <c>acceptance_rate</c> (see <c>Reporting/README-details.md</c>).
/// </remarks>
public sealed class DualPhaseOptimizer : IPromptOptimizer, IStepCost
{
    private readonly DualPhaseOptions _options;

    /// <summary>Initializes a new instance of the <see cref="DualPhaseOptimizer"/> class.</summary>
    /// <param name="options">The options (copied), or <see langword="null"/> for the defaults.</param>
    /// <exception cref="PromptOptInputException">The options are invalid; the message lists every problem.</exception>
    public DualPhaseOptimizer(DualPhaseOptions? options = null)
    {
        _options = (options ?? new DualPhaseOptions()).Clone();
        OptionsValidation.Validate(_options);
    }

    /// <inheritdoc/>
    public string Name => DualPhaseNames.Method;

    /// <summary>Gets a copy of the options.</summary>
    public DualPhaseOptions Options => _options.Clone();

    /// <inheritdoc/>
    public (long TaskCalls, long OptimizerCalls) MinimumRun(int trainSize)
    {
        var costs = DualPhaseCosts.Estimate(_options, trainSize);
        return (costs.TaskCallsPerStep, costs.OptimizerCallsPerStep);
    }

    /// <inheritdoc/>
    public Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Run(_options, new OptimizationSession(Name, request)).ExecuteAsync(cancellationToken);
    }

    /// <summary>The state of one run.</summary>
    private sealed class Run
    {
        private readonly DualPhaseOptions _o;
        private readonly OptimizationSession _session;
        private readonly PromptOperations _ops;
        private readonly DualPhaseProposer _proposer;
        private readonly DualPhaseRecorder _recorder = new();
        private SentenceSampler? _sampler;
        private EditablePrompt? _current;
        private EvaluationResult? _currentEval;
        private int? _currentId;
        private double? _startScore;
        private Prompt? _best;
        private double _bestScore;
        private bool _scales;

        public Run(DualPhaseOptions options, OptimizationSession session)
        {
            _o = options;
            _session = session;
            _ops = new PromptOperations(session.Request.OptimizerModel, new PromptOperationOptions
            {
                OnDrop = d => session.Emit(new RunNotice($"{DualPhaseNames.Method}: dropped a {d.Operation} reply ({d.Reason})")),
            });
            _proposer = new DualPhaseProposer(_ops, session);
        }

        private IReadOnlyList<Example> V => _session.TrainSet;

        public async Task<OptimizationResult> ExecuteAsync(CancellationToken cancellationToken)
        {
            // ALGORITHMS.md 5 "All methods": announce an honest call estimate (and a too-small budget) before the first call.
            var costs = DualPhaseCosts.Estimate(_o, V.Count);
            _scales = _session.Scales(_o.ScaleToBudget);
            _session.Plan = $"phase 1{(_o.InitialPrompt ? string.Empty : " skipped")}, T = {_o.MaxSteps} step(s) of up to {_o.MaxAttempts} attempt(s)" +
                (_scales ? "; scaled to the budget (more steps while it pays for another attempt)" : string.Empty);
            _session.Announce(costs.TaskCalls, costs.OptimizerCalls, costs.TaskCallsPerStep, costs.OptimizerCallsPerStep);
            _session.ScoreStartOnTestEarly(cancellationToken); // issue 17: fills the slots the attempt chain leaves idle
            string stop;
            try
            {
                await PhaseOneAsync(cancellationToken).ConfigureAwait(false);
                stop = await PhaseTwoAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BudgetExhaustedException ex)
            {
                stop = DualPhaseNames.StopBudget;
                _session.Emit(new RunNotice($"{DualPhaseNames.Method}: {ex.Message}; stopping with the best prompt so far"));
            }

            _session.Emit(new RunNotice($"{DualPhaseNames.Method}: " + _recorder.Summary()));
            if (_startScore is null)
            {
                _session.Emit(new RunNotice($"{DualPhaseNames.Method}: the budget did not allow evaluating the start prompt; its training score is reported as 0"));
            }

            return await _session.FinishAsync(
                _best ?? _session.StartPrompt, _startScore ?? 0, _best is null ? _startScore ?? 0 : _bestScore, stop,
                _recorder.ToDetails(includeWeights: _o.SentenceLevel), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Phase 1 (ALGORITHMS.md 2.2): P0 from k demos, and both P0 and the start prompt scored on V.</summary>
        private async Task PhaseOneAsync(CancellationToken cancellationToken)
        {
            var start = _session.StartPrompt;

            // Dual-Phase 2.2 phase 1 step 1: k labelled demos from the training subset, drawn with the run's seeded source.
            // Scoring the start prompt draws nothing, so drawing them first keeps every draw; P0 waits for no score, so it is
            // written while the start prompt is scored (issue 17) when the budget cannot stop either, else afterwards.
            var demos = new List<Example>();
            if (_o.InitialPrompt)
            {
                var order = Enumerable.Range(0, V.Count).ToArray();
                _session.Rng.Shuffle(order);
                demos = order.Take(Math.Min(_o.DemoCount, V.Count)).Select(i => V[i]).ToList();
            }

            // Dual-Phase 2.2 phase 1 steps 2–3: the meta-instruction with the section skeleton → P0 (placeholder appended when missing).
            var writing = _session.Batch(_o.InitialPrompt ? 1 : 0, V.Count, 1, _ => _ops.WriteInitialPromptAsync(demos, 0, cancellationToken));
            await using var writingDrain = writing.ConfigureAwait(false);
            var startEval = await _session.EvaluateAsync(start, V, cancellationToken).ConfigureAwait(false);
            var startRecord = _session.AddCandidate(start, startEval.Score, null, DualPhaseNames.StartOperation, 0, accepted: true);
            _startScore = startEval.Score;
            Adopt(EditablePrompt.Create(start), startEval, startRecord.Id);

            if (_o.InitialPrompt)
            {
                var p0 = await writing[0].ConfigureAwait(false);
                if (p0 is null)
                {
                    _session.Emit(new RunNotice($"{DualPhaseNames.Method}: no usable initial prompt was written; phase 2 starts from the start prompt"));
                }
                else if (_session.HasSeen(p0))
                {
                    _session.Emit(new RunNotice($"{DualPhaseNames.Method}: the initial prompt equals the start prompt"));
                }
                else
                {
                    var p0Eval = await _session.EvaluateAsync(p0, V, cancellationToken).ConfigureAwait(false);
                    var p0Record = _session.AddCandidate(p0, p0Eval.Score, null, DualPhaseNames.InitialOperation, 0, accepted: true);
                    _session.SetAccepted(startRecord.Id, false); // phase 2 continues from P0, as in the paper
                    Adopt(EditablePrompt.Create(p0), p0Eval, p0Record.Id);
                }
            }

            _session.Track(_bestScore);
        }

        /// <summary>Phase 2 (ALGORITHMS.md 2.2): T steps of experience-tuned sentence rewrites.</summary>
        private async Task<string> PhaseTwoAsync(CancellationToken cancellationToken)
        {
            if (_o.SentenceLevel)
            {
                if (_current!.EditableCount == 0)
                {
                    _session.Emit(new RunNotice($"{DualPhaseNames.Method}: the prompt has no editable sentence; nothing to rewrite"));
                    return _o.MaxSteps == 0 ? DualPhaseNames.StopCompleted : DualPhaseNames.StopNoSentences;
                }

                // Dual-Phase 2.2 phase 2 step 1: one weight per editable sentence, w_i = 1; entry 0 of sentence_weights.
                _sampler = new SentenceSampler(_current.EditableCount, _o.Sampling, _o.Gamma);
                _recorder.SnapshotWeights(_current, _sampler);
            }

            for (int step = 1; step <= _o.MaxSteps || (_scales && AffordsAnotherStep(step)); step++)
            {
                // Dual-Phase 2.2 phase 2 step 2: F = what the current prompt gets wrong on V (from its evaluation).
                var failed = _currentEval!.Failures;
                if (failed.Count == 0)
                {
                    // Dual-Phase 2.2 phase 2 step 4: stop cleanly when F is empty (nothing to learn from).
                    _session.Emit(new RunNotice($"{DualPhaseNames.Method}: the prompt makes no mistakes on V; stopping before step {step.ToString(CultureInfo.InvariantCulture)}"));
                    return DualPhaseNames.StopNoFailures;
                }

                await StepAsync(step, failed, cancellationToken).ConfigureAwait(false);
            }

            return DualPhaseNames.StopCompleted;
        }

        /// <summary>Whether a budget-scaled run goes on with step <paramref name="step"/> past T: the budget pays for one more attempt (at most 1000 steps).</summary>
        private bool AffordsAnotherStep(int step)
        {
            long optimizer = _o.SentenceLevel ? 1 : 2;
            if (step <= 1000 && BudgetPlanning.Affords(_session.Request.Usage, V.Count, optimizer))
            {
                return true;
            }

            _session.PlanEnd = step > 1000
                ? "it ran the most steps a plan has (1000)"
                : $"another rewrite attempt needs {optimizer} optimizer call(s) and up to {V.Count} task calls; {BudgetPlanning.Remaining(_session.Request.Usage)}";
            return false;
        }

        /// <summary>One step (Dual-Phase 2.2 phase 2 step 3); it counts even when every attempt is rejected.</summary>
        private async Task StepAsync(int step, IReadOnlyList<ExampleResult> failed, CancellationToken cancellationToken)
        {
            _current!.EnsureLossless(); // ALGORITHMS.md 2.7: split/join stays byte-identical, checked at every step
            int ordinal = -1;
            double probability = 1;
            if (_sampler is not null)
            {
                // Dual-Phase 2.2 step 3.1: sample a sentence with the EXP3 (or softmax) probabilities of its weights.
                (ordinal, probability) = _sampler.Sample(_session.Rng);
            }

            string what = ordinal < 0 ? "rewrite the whole prompt" : $"rewrite sentence {ordinal.ToString(CultureInfo.InvariantCulture)}";
            _session.Emit(new StepStarted(step, _o.MaxSteps, what));
            var shown = DualPhaseChecks.SampleShown(failed, _o.MaxFailuresShown, _session.Rng);
            var failureSet = failed.Select(r => r.Example).ToList();
            string outcome = "all rewrites rejected";
            for (int attempt = 0; attempt < _o.MaxAttempts; attempt++)
            {
                // Dual-Phase 2.2 step 3.2: expand — rewrite the sentence given the failure cases (input / wrong output / expected).
                var proposal = _sampler is null
                    ? await _proposer.RewriteWholeAsync(_current, shown, step, cancellationToken).ConfigureAwait(false)
                    : await _proposer.RewriteSentenceAsync(_current, ordinal, shown, step, cancellationToken).ConfigureAwait(false);
                if (proposal is null)
                {
                    continue; // dropped, unchanged, a duplicate or rejected before: the attempt is spent, nothing is evaluated
                }

                if (await CheckAsync(step, proposal, probability, failureSet, cancellationToken).ConfigureAwait(false))
                {
                    outcome = string.Create(CultureInfo.InvariantCulture, $"accepted at attempt {attempt + 1}, score {_bestScore:F3}");
                    break;
                }
            }

            if (_sampler is not null)
            {
                _recorder.SnapshotWeights(_current, _sampler); // entry `step` of sentence_weights
            }

            _session.CompleteStep(step, _bestScore, $"{what}: {outcome}; {_recorder.Summary()}");
        }

        /// <summary>Dual-Phase 2.2 steps 3.3–3.6 for one proposal; returns whether it became the current prompt.</summary>
        private async Task<bool> CheckAsync(int step, RewriteProposal proposal, double probability, IReadOnlyList<Example> failureSet, CancellationToken cancellationToken)
        {
            EvaluationResult? onFailures = null;
            double? failureScore = null;
            if (_o.FailureCheck)
            {
                // Dual-Phase 2.2 step 3.3: fast check on the previous failures (Eq. 7); a failing rewrite never touches V.
                onFailures = await _session.EvaluateAsync(proposal.Prompt, failureSet, cancellationToken).ConfigureAwait(false);
                failureScore = DualPhaseChecks.Accuracy(onFailures.Results);
                if (!DualPhaseChecks.PassesFastCheck(failureScore.Value, _o.FailureThreshold))
                {
                    var note = string.Create(CultureInfo.InvariantCulture, $"rejected by the fast check: {failureScore:F2} < h_f {_o.FailureThreshold}");
                    _session.AddCandidate(proposal.Prompt, null, _currentId, proposal.Operation, step, accepted: false, note);
                    _recorder.AddEdit(step, proposal, failureScore, null, accepted: false);
                    _proposer.MarkRejected(proposal);
                    return false;
                }
            }

            // Dual-Phase 2.2 step 3.4: full check on V (Eq. 8), reusing the fast check's answers on F.
            var onV = await DualPhaseChecks.EvaluateOnVAsync(_session, proposal.Prompt, onFailures, cancellationToken).ConfigureAwait(false);
            failureScore ??= DualPhaseChecks.AccuracyOn(onV, failureSet);
            double score = _currentEval!.Score;
            bool accepted = DualPhaseChecks.Accepts(onV.Score, score, _o.MinImprovement);
            var verdict = string.Create(CultureInfo.InvariantCulture,
                $"{(accepted ? "accepted" : "rejected")}: {onV.Score:F3} vs {score:F3} (h_v {_o.MinImprovement}), failure-set accuracy {failureScore:F2}");
            var record = _session.AddCandidate(proposal.Prompt, onV.Score, _currentId, proposal.Operation, step, accepted, verdict);
            _recorder.AddEdit(step, proposal, failureScore, onV.Score, accepted);
            if (!accepted)
            {
                _proposer.MarkRejected(proposal); // ALGORITHMS.md 5: a rejected rewrite is never proposed again
                return false;
            }

            if (_sampler is not null)
            {
                // Dual-Phase 2.2 step 3.5 (Eq. 9): r = α·A_new + (1 − α)·A_F; w_i ← w_i·exp(μ·r / (n·p_i)), edited sentence only.
                double reward = DualPhaseChecks.Reward(_o.Alpha, onV.Score, failureScore.Value);
                _sampler.Update(proposal.Ordinal, reward, probability, _o.LearningRate);
            }

            // Dual-Phase 2.2 step 3.6: replace the prompt, A ← A_new, F ← the new failures.
            Adopt(proposal.Document, onV, record.Id);
            return true;
        }

        private void Adopt(EditablePrompt document, EvaluationResult evaluation, int candidateId)
        {
            _current = document;
            _currentEval = evaluation;
            _currentId = candidateId;
            if (_best is null || evaluation.Score > _bestScore)
            {
                _best = document.Prompt;
                _bestScore = evaluation.Score;
            }
        }
    }
}
