using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Baselines.ProTeGi;

/// <summary>
/// Every per-example result a run has paid for, by prompt and example id, so that evaluating a prompt on a set that
/// overlaps what it was already evaluated on (a minibatch of V, a bandit pull, the final V score) pays only for the
/// examples it has not seen. The task model runs at temperature 0 with a fixed sample index within a run, so a result is
/// the same however the examples are grouped. Thread-safe, for the evaluation queue (issue 17): several prompts are
/// evaluated at once; the same prompt twice at once on the same missing examples shares the session's memoised call.
/// </summary>
internal sealed class ExampleLedger(OptimizationSession session)
{
    private readonly Dictionary<string, Dictionary<string, ExampleResult>> _known = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Prompt, string Example), Task> _pending = [];

    /// <summary>
    /// Evaluates <paramref name="prompt"/> on <paramref name="examples"/>, paying only for unseen examples. Callers may run at
    /// once (issue 17): an example another call is already answering for the prompt is awaited, not asked again, so each
    /// example is answered once, as when the callers ran one after another and the later one found it here.
    /// </summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="examples">The examples, in the order the result lists them.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The results (in <paramref name="examples"/> order) with the metric's aggregate score.</returns>
    public async Task<EvaluationResult> EvaluateAsync(Prompt prompt, IReadOnlyList<Example> examples, CancellationToken cancellationToken)
    {
        var key = BaselineSupport.Key(prompt);
        var known = Of(prompt);
        List<Example> mine;
        var others = new List<Task>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            mine = [];
            foreach (var e in examples.DistinctBy(e => e.Id))
            {
                if (known.ContainsKey(e.Id))
                {
                    continue;
                }

                if (_pending.TryGetValue((key, e.Id), out var pending))
                {
                    others.Add(pending);
                }
                else
                {
                    _pending[(key, e.Id)] = done.Task;
                    mine.Add(e);
                }
            }
        }

        if (mine.Count > 0)
        {
            try
            {
                // The session memoises per (prompt, set) and the response cache makes repeats free across runs.
                var fresh = await session.EvaluateAsync(prompt, mine, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    foreach (var r in fresh.Results)
                    {
                        known[r.Example.Id] = r;
                    }
                }

                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
                _ = done.Task.Exception; // observed: a waiting caller rethrows it, and with none it is not an unobserved-task error
                throw;
            }
            finally
            {
                lock (_gate)
                {
                    foreach (var e in mine)
                    {
                        _pending.Remove((key, e.Id));
                    }
                }
            }
        }

        await Task.WhenAll(others).ConfigureAwait(false);
        List<ExampleResult> results;
        lock (_gate)
        {
            results = examples.Select(e => known[e.Id]).ToList();
        }

        var score = session.Request.Task.Metric.Aggregate(results.Select(r => (r.Prediction, r.Example, r.Score)).ToList());
        return new EvaluationResult(score, results);
    }

    /// <summary>Counts how many of <paramref name="examples"/> are already known for <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="examples">The examples.</param>
    /// <returns>The count.</returns>
    public int CountKnown(Prompt prompt, IEnumerable<Example> examples)
    {
        var known = Of(prompt);
        lock (_gate)
        {
            return examples.Count(e => known.ContainsKey(e.Id));
        }
    }

    /// <summary>Returns the length of the longest prefix of <paramref name="order"/> already known for <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="order">The examples in order.</param>
    /// <returns>The prefix length.</returns>
    public int KnownPrefix(Prompt prompt, IReadOnlyList<Example> order)
    {
        var known = Of(prompt);
        lock (_gate)
        {
            int n = 0;
            while (n < order.Count && known.ContainsKey(order[n].Id))
            {
                n++;
            }

            return n;
        }
    }

    private Dictionary<string, ExampleResult> Of(Prompt prompt)
    {
        var key = BaselineSupport.Key(prompt);
        lock (_gate)
        {
            if (!_known.TryGetValue(key, out var known))
            {
                known = new Dictionary<string, ExampleResult>(StringComparer.Ordinal);
                _known[key] = known;
            }

            return known;
        }
    }
}
