using PromptOpt.Data;
using PromptOpt.Optimizers.Baselines.ProTeGi;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Mipro;

/// <summary>One candidate demo set.</summary>
/// <param name="Kind"><c>start</c> (the start prompt's demos, usually none), <c>labeled</c> or <c>bootstrapped</c>.</param>
/// <param name="Demos">The demos.</param>
internal sealed record DemoSet(string Kind, IReadOnlyList<Demo> Demos);

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

    public static async Task<List<DemoSet>> CreateAsync(
        OptimizationSession session, ExampleLedger ledger, MiproOptions o, int count, IReadOnlyList<Example> learn, CancellationToken cancellationToken)
    {
        var start = session.StartPrompt;
        var sets = new List<DemoSet> { new("start", start.Demos) };
        var rng = session.Rng;
        if (count > 1)
        {
            sets.Add(new DemoSet("labeled", Labeled(Shuffled(learn, rng), o.MaxLabeledDemos, [])));
        }

        var plain = start with { Demos = [] };
        for (int s = 2; s < count; s++)
        {
            var order = Shuffled(learn, rng);
            int wanted = o.MaxBootstrappedDemos == 0 ? 0 : 1 + rng.Next(o.MaxBootstrappedDemos);
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
            sets.Add(new DemoSet("bootstrapped", demos));
        }

        return sets;
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
