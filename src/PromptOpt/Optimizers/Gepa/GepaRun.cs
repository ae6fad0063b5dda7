using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers.Baselines.ProTeGi;
using PromptOpt.Prompts;
using static PromptOpt.Optimizers.Baselines.BaselineSupport;

namespace PromptOpt.Optimizers.Gepa;

/// <summary>One GEPA run's state and loop (ALGORITHMS.md 6, GEPA); see <see cref="GepaOptimizer"/>.</summary>
internal sealed class GepaRun(
    OptimizationSession session, GepaOptions o, PromptOperations ops, IReadOnlyList<Example> dev, IReadOnlyList<Example> feedback, int metricBudget)
{
    private const int UserComponent = 0;
    private readonly ExampleLedger _ledger = new(session);
    private readonly List<Member> _pool = [];
    private readonly HashSet<(int, int, int)> _triedMerges = [];
    private readonly JsonArray _iterations = [];
    private readonly JsonArray _reflections = [];
    private readonly Queue<Example> _epoch = new();
    private long _metricCalls;
    private int _sample;

    public async Task<OptimizationResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        var start = session.StartPrompt;
        string stop = "metric-calls";
        int iteration = 0, sinceImprovement = 0, mergesDue = 0, merges = 0;
        try
        {
            var startEval = await EvaluateAsync(start, dev, cancellationToken).ConfigureAwait(false);
            var startRecord = session.AddCandidate(start, startEval.Score, null, "initial", 0, accepted: true);
            _pool.Add(new Member(startRecord, start, [], Row(startEval), startEval.Score, "initial"));
            session.Track(startEval.Score);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (MetricCalls() >= metricBudget)
                {
                    break; // GEPA checks its budget before each iteration, so the last one may overshoot by its own cost
                }

                if (o.StopAfterNoImprovement is { } patience && sinceImprovement >= patience)
                {
                    stop = "no-improvement";
                    break;
                }

                iteration++;
                session.Emit(new StepStarted(iteration, 0, $"{_pool.Count} candidates; {MetricCalls()} of {metricBudget} metric calls"));
                double before = _pool[Best()].Score;
                bool merged = false;
                if (o.Merge && mergesDue > 0 && merges < o.MaxMerges)
                {
                    merged = await TryMergeAsync(iteration, cancellationToken).ConfigureAwait(false);
                    if (merged)
                    {
                        mergesDue--;
                        merges++;
                    }
                }

                if (!merged && await MutateAsync(iteration, cancellationToken).ConfigureAwait(false) && o.Merge && merges < o.MaxMerges)
                {
                    mergesDue++; // gepa schedules a merge after each successful reflective mutation
                }

                var best = _pool[Best()];
                sinceImprovement = best.Score > before ? 0 : sinceImprovement + 1;
                session.CompleteStep(iteration, best.Score, $"best #{best.Record.Id} {F(best.Score)}; {_pool.Count} in pool; {MetricCalls()} of {metricBudget} metric calls");
            }
        }
        catch (BudgetExhaustedException)
        {
            stop = Budget;
        }

        if (_pool.Count == 0)
        {
            return await session.FinishAsync(start, 0, 0, stop, Details(), cancellationToken).ConfigureAwait(false);
        }

        var winner = _pool[Best()];
        session.SetAccepted(winner.Record.Id, true);
        return await session.FinishAsync(winner.Prompt, _pool[0].Score, winner.Score, stop, Details(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One reflective mutation; returns whether a child joined the pool.</summary>
    private async Task<bool> MutateAsync(int iteration, CancellationToken cancellationToken)
    {
        var table = Table();
        int p = o.Selection == GepaSelection.Pareto ? ParetoFrontier.Select(table, session.Rng) : ParetoFrontier.BestByMean(table);
        var parent = _pool[p];
        int component = parent.NextComponent;
        parent.NextComponent = 1 - component;
        var minibatch = NextMinibatch();
        var entry = Entry(iteration, "mutation", [parent.Record.Id], component);
        var pe = await EvaluateAsync(parent.Prompt, minibatch, cancellationToken).ConfigureAwait(false);
        double parentSum = pe.Results.Sum(r => r.Score);
        entry["parent_minibatch"] = parentSum;
        if (o.SkipPerfectMinibatch && pe.Results.All(r => r.Score >= 1.0))
        {
            entry["kind"] = "skip";
            return Log(entry, accepted: false);
        }

        var cases = pe.Results.Select(FeedbackCase.From).ToList();
        var target = component == UserComponent ? PromptTarget.User : PromptTarget.System;
        var child = await ops.ReflectComponentAsync(parent.Prompt, target, cases, _sample++, cancellationToken).ConfigureAwait(false);
        var reflection = new JsonObject
        {
            ["iteration"] = iteration,
            ["parent"] = parent.Record.Id,
            ["component"] = ComponentName(component),
            ["feedback"] = new JsonArray(cases.Select(c => (JsonNode?)$"{F(c.Score)} {c.Feedback}").ToArray()),
        };
        _reflections.Add(reflection);
        if (child is null || session.HasSeen(child))
        {
            entry["note"] = child is null ? "reflection reply unusable" : "duplicate of an earlier candidate";
            return Log(entry, accepted: false);
        }

        var operation = "reflect_" + ComponentName(component);
        EvaluationResult ce;
        try
        {
            ce = await EvaluateAsync(child, minibatch, cancellationToken).ConfigureAwait(false);
        }
        catch (BudgetExhaustedException)
        {
            session.AddCandidate(child, null, parent.Record.Id, operation, iteration, accepted: false, "not evaluated: the budget ran out");
            throw;
        }

        double childSum = ce.Results.Sum(r => r.Score);
        entry["child_minibatch"] = childSum;
        if (childSum <= parentSum)
        {
            var rejected = session.AddCandidate(child, null, parent.Record.Id, operation, iteration, accepted: false,
                $"minibatch {F(childSum)} ≤ parent's {F(parentSum)} of {minibatch.Count}");
            reflection["child"] = rejected.Id;
            entry["child"] = rejected.Id;
            return Log(entry, accepted: false);
        }

        var member = await AdmitAsync(child, [p], operation, iteration, 1 - component, $"minibatch {F(childSum)} > parent's {F(parentSum)}", cancellationToken).ConfigureAwait(false);
        reflection["child"] = member.Record.Id;
        entry["child"] = member.Record.Id;
        return Log(entry, accepted: true);
    }

    /// <summary>One merge attempt; returns whether a triplet was found (the iteration is then spent on it).</summary>
    private async Task<bool> TryMergeAsync(int iteration, CancellationToken cancellationToken)
    {
        var table = Table();
        var aggregate = table.Select(r => r.Count == 0 ? 0 : r.Average()).ToList();
        var frontier = ParetoFrontier.Weights(ParetoFrontier.Fronts(table), aggregate).Keys.ToList();
        var triplet = GepaMerge.FindTriplet(frontier, _pool.Select(x => x.Parents).ToList(), _pool.Select(x => x.Components).ToList(), aggregate, _triedMerges, session.Rng);
        if (triplet is not { } t)
        {
            return false;
        }

        var (a, b, anc) = (_pool[t.A], _pool[t.B], _pool[t.Ancestor]);
        var comps = GepaMerge.Combine(anc.Components, a.Components, b.Components, aggregate[t.A], aggregate[t.B]);
        var child = a.Prompt with { User = comps[UserComponent]!, System = string.IsNullOrEmpty(comps[1]) ? null : comps[1] };
        var entry = Entry(iteration, "merge", [a.Record.Id, b.Record.Id], -1);
        entry["ancestor"] = anc.Record.Id;
        if (session.HasSeen(child))
        {
            entry["note"] = "the merge is an earlier candidate";
            return Log(entry, accepted: false);
        }

        // gepa's merge subsample: Pareto-set examples where the parents differ first, then the rest, in a seeded order.
        var order = Enumerable.Range(0, dev.Count).ToArray();
        session.Rng.Shuffle(order);
        var sub = order.OrderBy(i => a.Row[i] == b.Row[i] ? 1 : 0).Take(Math.Min(o.MergeSubsample, dev.Count)).ToList();
        double parentsBest = Math.Max(sub.Sum(i => a.Row[i]), sub.Sum(i => b.Row[i]));
        EvaluationResult ce;
        try
        {
            ce = await EvaluateAsync(child, sub.Select(i => dev[i]).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (BudgetExhaustedException)
        {
            session.AddCandidate(child, null, a.Record.Id, "merge", iteration, accepted: false, "not evaluated: the budget ran out");
            throw;
        }

        double childSum = ce.Results.Sum(r => r.Score);
        entry["parent_minibatch"] = parentsBest;
        entry["child_minibatch"] = childSum;
        if (childSum < parentsBest)
        {
            entry["child"] = session.AddCandidate(child, null, a.Record.Id, "merge", iteration, accepted: false,
                $"merge of #{a.Record.Id} and #{b.Record.Id}: {F(childSum)} < {F(parentsBest)} on {sub.Count} examples").Id;
            return Log(entry, accepted: false);
        }

        var member = await AdmitAsync(child, [t.A, t.B], "merge", iteration, UserComponent,
            $"merge of #{a.Record.Id} and #{b.Record.Id} over #{anc.Record.Id}", cancellationToken).ConfigureAwait(false);
        entry["child"] = member.Record.Id;
        return Log(entry, accepted: true);
    }

    /// <summary>Scores an accepted child on the whole Pareto set and adds it to the pool.</summary>
    private async Task<Member> AdmitAsync(Prompt child, IReadOnlyList<int> parents, string operation, int iteration, int nextComponent, string note, CancellationToken cancellationToken)
    {
        EvaluationResult full;
        try
        {
            full = await EvaluateAsync(child, dev, cancellationToken).ConfigureAwait(false);
        }
        catch (BudgetExhaustedException)
        {
            session.AddCandidate(child, null, _pool[parents[0]].Record.Id, operation, iteration, accepted: false, note + "; not scored on the Pareto set: the budget ran out");
            throw;
        }

        var record = session.AddCandidate(child, full.Score, _pool[parents[0]].Record.Id, operation, iteration, accepted: true, note);
        var member = new Member(record, child, parents, Row(full), full.Score, operation) { NextComponent = nextComponent };
        _pool.Add(member);
        return member;
    }

    // GEPA's epoch-shuffled batch sampler: a seeded permutation of the feedback set, consumed m at a time, reshuffled when spent.
    private List<Example> NextMinibatch()
    {
        int m = Math.Min(o.MinibatchSize, feedback.Count);
        var batch = new List<Example>(m);
        while (batch.Count < m)
        {
            if (_epoch.Count == 0)
            {
                var order = feedback.ToArray();
                session.Rng.Shuffle(order);
                foreach (var e in order)
                {
                    _epoch.Enqueue(e);
                }
            }

            var next = _epoch.Dequeue();
            if (!batch.Contains(next))
            {
                batch.Add(next);
            }
        }

        return batch;
    }

    private static JsonObject Entry(int iteration, string kind, int[] parents, int component) => new()
    {
        ["iteration"] = iteration,
        ["kind"] = kind,
        ["parents"] = new JsonArray(parents.Select(x => (JsonNode?)x).ToArray()),
        ["component"] = component < 0 ? null : ComponentName(component),
    };

    private bool Log(JsonObject entry, bool accepted)
    {
        var table = Table();
        var aggregate = table.Select(r => r.Count == 0 ? 0 : r.Average()).ToList();
        var best = _pool[Best()];
        entry["accepted"] = accepted;
        entry["best"] = best.Record.Id;
        entry["best_score"] = best.Score;
        entry["frontier"] = new JsonArray(ParetoFrontier.Weights(ParetoFrontier.Fronts(table), aggregate).Keys.Select(i => (JsonNode?)_pool[i].Record.Id).ToArray());
        entry["pool"] = _pool.Count;
        entry["metric_calls"] = MetricCalls();
        _iterations.Add(entry);
        return accepted;
    }

    private JsonObject Details()
    {
        var table = Table();
        var wins = _pool.Count == 0 ? [] : ParetoFrontier.Fronts(table).SelectMany(f => f).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        return new JsonObject
        {
            ["pareto_set"] = dev.Count,
            ["feedback_set"] = feedback.Count,
            ["metric_budget"] = metricBudget,
            ["metric_calls"] = MetricCalls(),
            ["selection"] = o.Selection.ToString(),
            ["iterations"] = _iterations.DeepClone(),
            ["reflections"] = _reflections.DeepClone(),
            ["lineage"] = new JsonArray(_pool.Select((x, i) => (JsonNode?)new JsonObject
            {
                ["candidate"] = x.Record.Id,
                ["parents"] = new JsonArray(x.Parents.Select(q => (JsonNode?)_pool[q].Record.Id).ToArray()),
                ["operation"] = x.Operation,
                ["score"] = x.Score,
                ["wins"] = wins.GetValueOrDefault(i),
            }).ToArray()),
        };
    }

    private List<IReadOnlyList<double>> Table() => _pool.Select(x => x.Row).ToList();

    // The result: the best aggregate score on the Pareto set; ties keep the earlier candidate.
    private int Best()
    {
        int best = 0;
        for (int i = 1; i < _pool.Count; i++)
        {
            if (_pool[i].Score > _pool[best].Score)
            {
                best = i;
            }
        }

        return best;
    }

    // Metric calls as gepa counts them (its total_num_evals): every example a candidate is evaluated on, whether the
    // answer is paid, answered by the response cache or already known to this run's ledger (which then costs nothing).
    // Counting only paid calls let a run whose best candidate was perfect on every training example loop for ever on
    // free, skipped iterations (observed on simulator v2: GEPA on bbh_navigate at 600 + 20, 300,000 iterations at 509
    // of 600 calls).
    private long MetricCalls() => _metricCalls;

    private Task<EvaluationResult> EvaluateAsync(Prompt prompt, IReadOnlyList<Example> examples, CancellationToken cancellationToken)
    {
        _metricCalls += examples.Count;
        return _ledger.EvaluateAsync(prompt, examples, cancellationToken);
    }

    private static double[] Row(EvaluationResult e) => e.Results.Select(r => r.Score).ToArray();

    private static string ComponentName(int component) => component == UserComponent ? "user" : "system";

    /// <summary>A pool member: its record, prompt, parents (pool indices), per-example Pareto-set scores and aggregate.</summary>
    private sealed class Member(CandidateRecord record, Prompt prompt, IReadOnlyList<int> parents, IReadOnlyList<double> row, double score, string operation)
    {
        public CandidateRecord Record { get; } = record;

        public Prompt Prompt { get; } = prompt;

        public IReadOnlyList<int> Parents { get; } = parents;

        public IReadOnlyList<double> Row { get; } = row;

        public double Score { get; } = score;

        public string Operation { get; } = operation;

        public IReadOnlyList<string?> Components => [Prompt.User, Prompt.System];

        public int NextComponent { get; set; }
    }
}
