using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>One MetaSPO run (ALGORITHMS.md 3.2). Random draws happen in a fixed order before each batch of concurrent calls, and candidates are recorded in plan order, so a seed gives the same run.</summary>
internal sealed class MetaSpoRun
{
    private readonly OptimizationRequest _request;
    private readonly MetaSpoOptions _o;
    private readonly List<MetaSpoTaskState> _tasks;
    private readonly OptimizationSession _session;
    private readonly MetaSpoWriter _writer;
    private readonly JsonArray _iterations = [];
    private int _sample;
    private string _system;
    private double _meta;
    private double _startMeta;

    public MetaSpoRun(OptimizationRequest request, MetaSpoOptions options)
    {
        _request = request;
        _o = options;
        _system = options.InitialSystemPrompt;
        var tasks = request.SourceTasks.Count > 0 ? request.SourceTasks : [request.Task];
        _tasks = tasks.Select((t, i) => new MetaSpoTaskState(t, new OptimizationSession(MetaSpoOptimizer.MethodName, request.ForTask(t,
            new Prompt(_system, i == 0 && request.StartPrompt is { } p ? p.User : MetaSpoPrompts.InitialUserPrompt(t)))))).ToList();
        _session = _tasks[0].Session;
        var ops = new PromptOperations(request.OptimizerModel, new PromptOperationOptions
        {
            OnDrop = d => _session.Emit(new RunNotice($"dropped a candidate from {d.Operation}: {d.Reason}")),
        });
        _writer = new MetaSpoWriter(ops);
    }

    private Random Rng => _session.Rng;

    private bool Ape => _o.Variant == MetaSpoVariant.Ape;

    public async Task<OptimizationResult> RunAsync(CancellationToken cancellationToken)
    {
        var (stepTask, stepOpt) = Announce();
        bool protocols = _request.UnseenTasks.Count > 0 && (_o.Unseen || _o.TestTimeAdaptation);
        bool scales = _session.Scales(_o.ScaleToBudget) && !protocols;
        _session.Plan = $"N = {_o.Steps} iteration(s)" + (scales ? "; scaled to the budget (more iterations while it pays for a whole one)" : string.Empty);
        string stop = "completed";
        try
        {
            await InitAsync(cancellationToken).ConfigureAwait(false);
            for (int step = 1; step <= _o.Steps || (scales && AffordsAnotherIteration(step, stepTask, stepOpt)); step++)
            {
                bool inner = _o.Variant != MetaSpoVariant.OuterOnly;
                _session.Emit(new StepStarted(step, _o.Steps, inner ? "inner loop (user prompts), then outer loop (system prompt)" : "outer loop (system prompt)"));
                var record = new JsonObject { ["iteration"] = step };
                _iterations.Add(record);
                if (inner)
                {
                    await InnerAsync(step, record, cancellationToken).ConfigureAwait(false);
                }

                bool accepted = await OuterAsync(step, record, cancellationToken).ConfigureAwait(false);
                record["system_prompt"] = _system;
                record["meta_score"] = _meta;
                record["beams"] = BeamsJson();
                _session.CompleteStep(step, _meta, accepted ? "new system prompt" : "system prompt kept");
            }
        }
        catch (BudgetExhaustedException ex)
        {
            stop = "budget";
            _session.Emit(new RunNotice("budget exhausted: " + ex.Message));
        }

        var details = MetaSpoDetails.Build(_o, _system, _startMeta, _meta, _tasks, _iterations);
        if (stop == "completed" && _request.UnseenTasks.Count > 0)
        {
            await RunProtocolsAsync(details, cancellationToken).ConfigureAwait(false);
        }

        var first = _tasks[0];
        var best = first.Beam.Count > 0 ? new Prompt(_system, first.Best.User) : _session.StartPrompt;
        return await _session.FinishAsync(best, first.Start?.Score ?? 0, first.Beam.Count > 0 ? first.Best.Score : 0, stop, details, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a budget-scaled run goes on with iteration <paramref name="step"/>: the budget pays for a whole one (at most 1000).</summary>
    private bool AffordsAnotherIteration(int step, long stepTask, long stepOpt)
    {
        if (step <= 1000 && BudgetPlanning.Affords(_request.Usage, stepTask, stepOpt))
        {
            return true;
        }

        _session.PlanEnd = step > 1000
            ? "it ran the most iterations a plan has (1000)"
            : $"another iteration needs about {stepTask} task and {stepOpt} optimizer calls; {BudgetPlanning.Remaining(_request.Usage)}";
        return false;
    }

    /// <summary>Publishes the call estimate (ALGORITHMS.md 3.7 pitfall 11 gives the per-iteration cost); returns one iteration's cost.</summary>
    private (long Task, long Optimizer) Announce()
    {
        long t = _tasks.Count, c = _o.SystemCandidates, m = _o.UserCandidates;
        long v = _tasks.Sum(x => (long)x.Session.TrainSet.Count) / Math.Max(1, t);
        long beam = _o.Variant == MetaSpoVariant.OuterOnly ? 1 : _o.BeamSize;
        long perOpt = Ape ? 1 : 2;
        long innerTask = _o.Variant == MetaSpoVariant.OuterOnly ? 0 : t * m * v, innerOpt = _o.Variant == MetaSpoVariant.OuterOnly ? 0 : t * m * perOpt;
        long outerTask = c * t * beam * v, outerOpt = c * perOpt;
        long stepTask = innerTask + outerTask, stepOpt = innerOpt + outerOpt;
        long estTask = (t * v) + (_o.Steps * stepTask), estOpt = _o.Steps * stepOpt;
        if (_request.UnseenTasks.Count > 0 && _o.Unseen)
        {
            estOpt += _request.UnseenTasks.Count * _o.UnseenUserPrompts;
        }

        if (_request.UnseenTasks.Count > 0 && _o.TestTimeAdaptation)
        {
            long u = _request.UnseenTasks.Count * 2L, parents = 1 + ((long)_o.TtaIterations * _o.TtaBeamSize);
            estTask += u * (v + (parents * _o.TtaCandidates * v));
            estOpt += u * parents * 2 * _o.TtaCandidates;
        }

        _session.Announce(estTask, estOpt, (t * v) + stepTask, stepOpt);
        return (stepTask, stepOpt);
    }

    /// <summary>3.2 step 1: evaluate every initial node (s0, u_i0) on its task's V.</summary>
    private async Task InitAsync(CancellationToken ct)
    {
        var evals = await Task.WhenAll(_tasks.Select(t => t.EvaluateAsync(_system, t.Session.StartPrompt.User, ct))).ConfigureAwait(false);
        for (int i = 0; i < _tasks.Count; i++)
        {
            var t = _tasks[i];
            var rec = _session.AddCandidate(new Prompt(_system, t.Session.StartPrompt.User), evals[i].Score, null, "initial", 0, true, "task " + t.Task.Name);
            t.Start = new MetaSpoNode(t.Session.StartPrompt.User, evals[i], rec.Id);
            t.SetBeam([t.Start], _o.BeamSize);
        }

        _startMeta = _meta = MetaScore();
        _session.Track(_meta);
    }

    /// <summary>3.2 step 3: the inner loop, every task in one batch.</summary>
    private async Task InnerAsync(int step, JsonObject record, CancellationToken ct)
    {
        // 3.3.1–2: u0 = the beam's best; m candidates each from u0 on up to 3 sampled failures (draws in task order).
        var plans = new List<(MetaSpoTaskState T, MetaSpoNode U0, IReadOnlyList<FailureCase> Failures, IReadOnlyList<Example> Demos, int Sample)>();
        foreach (var t in _tasks)
        {
            var u0 = t.Best;
            var failures = MetaSpoSampling.Failures(u0);
            if (!Ape && failures.Count == 0)
            {
                _session.Emit(new RunNotice($"task {t.Task.Name}: the best user prompt has no failures; no user candidates this step"));
                continue;
            }

            for (int j = 0; j < _o.UserCandidates; j++)
            {
                plans.Add(Ape
                    ? (t, u0, [], MetaSpoSampling.Sample(t.Session.TrainSet, _o.ApeUserDemos, Rng), _sample++)
                    : (t, u0, MetaSpoSampling.Sample(failures, _o.UserFailures, Rng), [], _sample++));
            }
        }

        var written = await Task.WhenAll(plans.Select(p => Ape
            ? _writer.UserApeAsync(p.T.Task, p.Demos, p.Sample, ct)
            : _writer.UserAsync(_system, p.U0.User, p.Failures, p.Sample, ct))).ConfigureAwait(false);

        // 3.7 pitfall 3: dedupe before paying (against the beam and within the step).
        var seen = _tasks.ToDictionary(t => t, t => t.Beam.Select(n => n.User).ToHashSet(StringComparer.Ordinal));
        var fresh = plans.Zip(written).Where(x => x.Second is not null && seen[x.First.T].Add(x.Second)).Select(x => (Plan: x.First, User: x.Second!)).ToList();
        var evals = await Task.WhenAll(fresh.Select(f => f.Plan.T.EvaluateAsync(_system, f.User, ct))).ConfigureAwait(false);

        // 3.3.3: U_i ← top-k of (old beam ∪ new candidates); candidates recorded in plan order.
        var userRecords = new JsonArray();
        foreach (var t in _tasks)
        {
            var mine = fresh.Zip(evals).Where(x => x.First.Plan.T == t).Select(x => (x.First.User, Eval: x.Second, Parent: x.First.Plan.U0.CandidateId)).ToList();
            var pool = t.Beam.Select(n => (Node: n, Index: -1))
                .Concat(mine.Select((c, i) => (Node: new MetaSpoNode(c.User, c.Eval, -1), Index: i))).ToList();
            var kept = pool.OrderByDescending(x => x.Node.Score).Take(_o.BeamSize).ToList();
            var ids = new int[mine.Count];
            for (int i = 0; i < mine.Count; i++)
            {
                bool accepted = kept.Any(x => x.Index == i);
                var rec = _session.AddCandidate(new Prompt(_system, mine[i].User), mine[i].Eval.Score, mine[i].Parent,
                    Ape ? "user_ape" : "user_generate", step, accepted, "task " + t.Task.Name);
                ids[i] = rec.Id;
                userRecords.Add(new JsonObject { ["task"] = t.Task.Name, ["id"] = rec.Id, ["score"] = rec.TrainScore, ["accepted"] = accepted });
            }

            t.SetBeam(kept.Select(x => x.Index < 0 ? x.Node : x.Node with { CandidateId = ids[x.Index] }), _o.BeamSize);
        }

        record["user_candidates"] = userRecords;
        record["user_dropped"] = written.Count(w => w is null);
        _meta = MetaScore();
    }

    /// <summary>3.2 step 4: the outer loop. Returns whether a candidate replaced the incumbent.</summary>
    private async Task<bool> OuterAsync(int step, JsonObject record, CancellationToken ct)
    {
        double incumbent = _meta;
        record["incumbent_before"] = incumbent;

        // 4.1: all candidates from the current state; per candidate, 2 failures of each task's best node, pooled and shuffled.
        var plans = new List<(IReadOnlyList<FailureCase> Pool, IReadOnlyList<Example> Demos, int Sample)>();
        for (int k = 0; k < _o.SystemCandidates; k++)
        {
            if (Ape)
            {
                var demos = _tasks.SelectMany(t => MetaSpoSampling.Sample(t.Session.TrainSet, _o.ApeSystemDemosPerTask, Rng)).ToArray();
                Rng.Shuffle(demos);
                plans.Add(([], demos, _sample++));
            }
            else
            {
                var pool = _tasks.SelectMany(t => MetaSpoSampling.Sample(MetaSpoSampling.Failures(t.Best), _o.SystemFailuresPerTask, Rng)
                    .Select(f => MetaSpoSampling.InContext(f, t.Best.User))).ToArray();
                Rng.Shuffle(pool);
                plans.Add((pool, [], _sample++));
            }
        }

        var written = await Task.WhenAll(plans.Select(p => Ape
            ? _writer.SystemApeAsync(p.Demos, p.Sample, ct)
            : p.Pool.Count == 0 ? Task.FromResult<string?>(null) : _writer.SystemAsync(_system, p.Pool, p.Sample, ct))).ConfigureAwait(false);

        // 3.7 pitfall 3: all candidates come from one state, so duplicates are common; dedupe before paying.
        var seen = new HashSet<string>(StringComparer.Ordinal) { _system };
        var candidates = written.OfType<string>().Where(seen.Add).ToList();
        record["system_dropped"] = written.Count(w => w is null);
        record["system_duplicates"] = written.Count(w => w is not null) - candidates.Count;

        // 4.2: every candidate on every (task, user prompt) node; meta-score = plain mean over the nodes.
        var nodes = _tasks.SelectMany(t => t.Beam.Select(n => (Task: t, n.User))).ToList();
        var evals = await Task.WhenAll(candidates.SelectMany(s => nodes.Select(n => n.Task.EvaluateAsync(s, n.User, ct)))).ConfigureAwait(false);
        var scores = candidates.Select((s, c) => evals.Skip(c * nodes.Count).Take(nodes.Count).ToArray()).ToList();
        var metas = scores.Select(e => e.Average(x => x.Score)).ToList();

        // 4.3: sequential comparison, strictly greater replaces (ties keep the earlier, and the incumbent first).
        int winner = -1;
        double best = incumbent;
        for (int c = 0; c < candidates.Count; c++)
        {
            if (metas[c] > best)
            {
                (winner, best) = (c, metas[c]);
            }
        }

        var systemRecords = new JsonArray();
        for (int c = 0; c < candidates.Count; c++)
        {
            var firstNodes = Enumerable.Range(0, _tasks[0].Beam.Count).Select(i => (User: nodes[i].User, Eval: scores[c][i])).ToList();
            var shown = firstNodes.OrderByDescending(x => x.Eval.Score).First().User;
            var rec = _session.AddCandidate(new Prompt(candidates[c], shown), metas[c], null, Ape ? "system_ape" : "system_generate", step, c == winner,
                string.Create(CultureInfo.InvariantCulture, $"meta-score over {nodes.Count} nodes; incumbent {incumbent:F4}"));
            systemRecords.Add(new JsonObject { ["id"] = rec.Id, ["meta_score"] = metas[c], ["accepted"] = c == winner });
            if (c == winner)
            {
                record["accepted_id"] = rec.Id;
            }
        }

        record["system_candidates"] = systemRecords;
        if (winner < 0)
        {
            return false;
        }

        // Its nodes, re-scored under the new system prompt, become the state.
        _system = candidates[winner];
        int offset = 0;
        foreach (var t in _tasks)
        {
            var rescored = t.Beam.Select((n, i) => n with { Eval = scores[winner][offset + i] }).ToList();
            offset += t.Beam.Count;
            t.SetBeam(rescored, _o.BeamSize);
        }

        _meta = MetaScore();
        return true;
    }

    private async Task RunProtocolsAsync(JsonObject details, CancellationToken ct)
    {
        try
        {
            if (_o.Unseen)
            {
                var unseen = await UnseenGeneralization.RunAsync(_request, _system, _o, ct).ConfigureAwait(false);
                MetaSpoDetails.AddUnseen(details, unseen);
            }

            if (_o.TestTimeAdaptation)
            {
                var tta = await TestTimeAdaptation.RunAsync(_request, _system, _o, ct).ConfigureAwait(false);
                MetaSpoDetails.AddTta(details, tta);
            }
        }
        catch (BudgetExhaustedException ex)
        {
            _session.Emit(new RunNotice("the unseen-task protocols stopped: budget exhausted: " + ex.Message));
        }
    }

    /// <summary>The meta-score: the plain mean of the train scores of every current node (3.7 pitfall 4).</summary>
    private double MetaScore() => _tasks.SelectMany(t => t.Beam).Average(n => n.Score);

    private JsonArray BeamsJson() => new(_tasks.Select(t => (JsonNode?)new JsonObject
    {
        ["task"] = t.Task.Name,
        ["prompts"] = new JsonArray(t.Beam.Select(n => (JsonNode?)new JsonObject { ["id"] = n.CandidateId, ["user"] = n.User, ["score"] = n.Score }).ToArray()),
    }).ToArray());
}
