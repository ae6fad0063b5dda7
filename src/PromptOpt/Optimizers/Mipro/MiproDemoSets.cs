using PromptOpt.Data;
using PromptOpt.Optimizers.Baselines.ProTeGi;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Mipro;

/// <summary>One candidate demo set.</summary>
/// <param name="Kind"><c>start</c> (the start prompt's demos, usually none), <c>labeled</c> or <c>bootstrapped</c>.</param>
/// <param name="Demos">The demos.</param>
internal sealed record DemoSet(string Kind, IReadOnlyList<Demo> Demos);

/// <summary>The drawn demo sets: the fixed ones (start, labelled) and, per bootstrapped set, its example order and demos wanted.</summary>
/// <param name="Fixed">Sets 0 and 1.</param>
/// <param name="Bootstraps">Per further set: the shuffled training examples and the number of bootstrapped demos wanted.</param>
internal sealed record DemoSetPlan(IReadOnlyList<DemoSet> Fixed, IReadOnlyList<(List<Example> Order, int Wanted)> Bootstraps)
{
    /// <summary>Gets the most task calls bootstrapping can make.</summary>
    public long MaxTaskCalls => Bootstraps.Sum(b => (long)Math.Min(b.Order.Count, b.Wanted * MiproDemoSets.AttemptsPerDemo));
}

/// <summary>
/// MIPROv2 step 1 (ALGORITHMS.md 6; DSPy <c>create_n_fewshot_demo_sets</c>): set 0 the start prompt's demos (none for a
/// plain prompt: zero-shot), set 1 labelled examples only, each further set bootstrapped — the task model runs with the
/// start prompt on shuffled training examples, the first 1…<see cref="MiproOptions.MaxBootstrappedDemos"/> (drawn) that the
/// metric passes become demos with the model's own reply, then labelled examples fill up to
/// <see cref="MiproOptions.MaxLabeledDemos"/>. Bootstrapping is the real path: the task model answers; nothing is written
/// by the optimizer model, so a demo's answer is only as right as the metric says.
/// </summary>
internal static class MiproDemoSets
{
    /// <summary>The most training examples tried per bootstrapped demo wanted.</summary>
    public const int AttemptsPerDemo = 4;

    /// <summary>
    /// Draws every set's random choices, in the order building the sets one after another draws them (the bootstrap itself
    /// draws nothing): set 1's shuffle, then per bootstrapped set its shuffle and how many demos it wants.
    /// </summary>
    /// <param name="rng">The run's random source.</param>
    /// <param name="start">The start prompt.</param>
    /// <param name="o">The options.</param>
    /// <param name="count">The number of demo sets.</param>
    /// <param name="learn">The training examples demos come from.</param>
    /// <returns>The plan.</returns>
    public static DemoSetPlan Draw(Random rng, Prompt start, MiproOptions o, int count, IReadOnlyList<Example> learn)
    {
        var sets = new List<DemoSet> { new("start", start.Demos) };
        if (count > 1)
        {
            sets.Add(new DemoSet("labeled", Labeled(Shuffled(learn, rng), o.MaxLabeledDemos, [])));
        }

        var bootstraps = new List<(List<Example> Order, int Wanted)>();
        for (int s = 2; s < count; s++)
        {
            var order = Shuffled(learn, rng);
            int wanted = o.MaxBootstrappedDemos == 0 ? 0 : 1 + rng.Next(o.MaxBootstrappedDemos);
            bootstraps.Add((order, wanted));
        }

        return new DemoSetPlan(sets, bootstraps);
    }

    /// <summary>
    /// Bootstraps the plan's sets and returns all sets in order. The sets do not depend on one another, so with
    /// <paramref name="concurrent"/> (issue 17: only when the budget cannot run out during them) they run at once, and an
    /// example two sets ask for is answered once (<see cref="ExampleLedger.EvaluateAsync"/>), as when the later set
    /// found it in the ledger; otherwise one after another.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="ledger">The run's ledger.</param>
    /// <param name="o">The options.</param>
    /// <param name="plan">The drawn plan.</param>
    /// <param name="concurrent">Whether the sets run at once.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The demo sets.</returns>
    public static async Task<List<DemoSet>> BootstrapAsync(
        OptimizationSession session, ExampleLedger ledger, MiproOptions o, DemoSetPlan plan, bool concurrent, CancellationToken cancellationToken)
    {
        var sets = new List<DemoSet>(plan.Fixed);
        var plain = session.StartPrompt with { Demos = [] };
        if (concurrent)
        {
            var all = await Task.WhenAll(plan.Bootstraps.Select(b => BootstrapOneAsync(b.Order, b.Wanted))).ConfigureAwait(false);
            sets.AddRange(all);
            return sets;
        }

        foreach (var (order, wanted) in plan.Bootstraps)
        {
            sets.Add(await BootstrapOneAsync(order, wanted).ConfigureAwait(false));
        }

        return sets;

        async Task<DemoSet> BootstrapOneAsync(List<Example> order, int wanted)
        {
            var demos = new List<Demo>();
            var used = new HashSet<string>(StringComparer.Ordinal);
            int tried = 0;
            while (demos.Count < wanted && tried < order.Count && tried < wanted * AttemptsPerDemo)
            {
                // Ask for the missing ones at once (the ledger never pays twice for an example), keep the passing ones in order.
                var batch = order.Skip(tried).Take(wanted - demos.Count).ToList();
                tried += batch.Count;
                var eval = await ledger.EvaluateAsync(plain, batch, cancellationToken).ConfigureAwait(false);
                foreach (var r in eval.Results)
                {
                    used.Add(r.Example.Id);
                    if (!r.IsFailure && r.Response is { } reply && demos.Count < wanted)
                    {
                        demos.Add(Demo.FromReply(r.Example.Input, reply));
                    }
                }
            }

            demos.AddRange(Labeled(order.Where(e => !used.Contains(e.Id)).ToList(), o.MaxLabeledDemos, []));
            return new DemoSet("bootstrapped", demos);
        }
    }

    private static List<Example> Shuffled(IReadOnlyList<Example> examples, Random rng)
    {
        var copy = examples.ToArray();
        rng.Shuffle(copy);
        return [.. copy];
    }

    private static List<Demo> Labeled(IReadOnlyList<Example> order, int max, HashSet<string> skip) =>
        order.Where(e => !skip.Contains(e.Id)).Take(max).Select(e => new Demo(e.Input, e.Target)).ToList();
}
