using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Optimizers.Baselines.ProTeGi;
using PromptOpt.Optimizers.Gepa;
using PromptOpt.Prompts;
using static PromptOpt.Optimizers.Baselines.BaselineSupport;

namespace PromptOpt.Optimizers.Mipro;

/// <summary>
/// MIPROv2-style search (Opsahl-Ong et al. 2024, arXiv 2406.11695) as ALGORITHMS.md 6 gives it: step 1 candidate demo
/// sets (<see cref="MiproDemoSets"/>); step 2 instruction candidates — candidate 0 the start instruction, each other one
/// from the proposer given a data summary (one optimizer call over a sample of the training set), a demo set and one
/// randomly drawn tip (<see cref="MiproOptions.Tips"/>); step 3 trials over (instruction, demo set) with a seeded
/// <see cref="TpeSampler"/>, each scored on a random minibatch of the dev set (<see cref="DevSplit"/>), and every
/// <see cref="MiproOptions.FullEvalEvery"/> trials (and at the end) the combination with the best mean minibatch score
/// scored on the whole dev set. The result is the best fully evaluated combination (the start prompt included).
/// </summary>
/// <remarks>
/// Details: <c>summary</c>, <c>instructions</c> (<c>index</c>, <c>text</c>, <c>tip</c>, <c>demo_set</c>), <c>demo_sets</c>
/// (<c>index</c>, <c>kind</c>, <c>demos</c>), <c>trials</c> (<c>trial</c>, <c>instruction</c>, <c>demo_set</c>,
/// <c>score</c>, <c>examples</c>), <c>full_evals</c> (<c>after_trial</c>, <c>instruction</c>, <c>demo_set</c>,
/// <c>score</c>, <c>candidate</c>, <c>incumbent</c>), <c>best</c> (<c>instruction</c>, <c>demo_set</c>, <c>score</c>).
/// </remarks>
public sealed class MiproOptimizer : IPromptOptimizer
{
    /// <summary>The method name used on the command line.</summary>
    public const string MethodName = "mipro";

    /// <summary>The one-line description shown by the command line.</summary>
    public const string Description = "MIPROv2: grounded instruction proposals and bootstrapped few-shot demo sets searched jointly with a TPE (Opsahl-Ong et al. 2024)";

    /// <summary>Initializes a new instance of the <see cref="MiproOptimizer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="PromptOptInputException">An option is invalid (all problems in one message).</exception>
    public MiproOptimizer(MiproOptions? options = null)
    {
        Options = options ?? new MiproOptions();
        OptionsValidation.Validate(Options);
    }

    /// <inheritdoc />
    public string Name => MethodName;

    /// <summary>Gets the options.</summary>
    public MiproOptions Options { get; }

    /// <summary>Creates the optimizer with key/value settings bound to its options (see <see cref="OptionsValidation.Bind"/>).</summary>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="PromptOptInputException">An unknown key or an invalid value (all problems in one message).</exception>
    public static MiproOptimizer FromSettings(IReadOnlyDictionary<string, string>? settings)
    {
        var options = new MiproOptions();
        OptionsValidation.Bind(options, settings);
        return new MiproOptimizer(options);
    }

    /// <summary>Resolves the numbers of instructions, demo sets and trials (see <see cref="MiproOptions"/>).</summary>
    /// <param name="o">The options.</param>
    /// <param name="budget">The run's budget.</param>
    /// <returns>The plan.</returns>
    internal static (int Instructions, int DemoSets, int Trials) Plan(MiproOptions o, OptimizationBudget budget)
    {
        int n = GepaOptions.PresetCandidates[(int)(o.Auto ?? AutoPreset.Light)];
        int trials = o.Trials ?? (o.Auto is null && budget.MaxTaskCalls is not null ? MiproOptions.BudgetedTrialCap : MiproOptions.PresetTrials(n));
        return (o.Instructions ?? n, o.DemoSets ?? n, trials);
    }

    /// <inheritdoc />
    public async Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        OptionsValidation.Validate(Options);
        var o = Options;
        var session = new OptimizationSession(MethodName, request);
        var (dev, learn) = DevSplit.Of(session);
        var (nInstr, nDemo, trials) = Plan(o, request.Usage.Budget);
        int mb = Math.Min(o.MinibatchSize, dev.Count);
        long fullEvals = (trials / o.FullEvalEvery) + 1;
        long boot = Math.Max(0, nDemo - 2) * (long)o.MaxBootstrappedDemos * MiproDemoSets.AttemptsPerDemo;
        var budget = request.Usage.Budget;
        session.Announce(
            Cap(dev.Count + boot + ((long)trials * mb) + (fullEvals * dev.Count), budget.MaxTaskCalls), Cap(nInstr, budget.MaxOptimizerCalls),
            dev.Count + boot + mb, nInstr);
        session.ScoreStartOnTestEarly(cancellationToken); // issue 17: fills the slots the trials leave idle

        var ledger = new ExampleLedger(session);
        var ops = CreateOperations(session, o.Temperature);
        var start = session.StartPrompt;
        var details = new JsonObject();
        var trialsJson = new JsonArray();
        var fullJson = new JsonArray();
        var means = new Dictionary<(int, int), (double Sum, int N)>();
        var full = new Dictionary<(int, int), double>();
        var candidates = new Dictionary<(int, int), CandidateRecord>();
        List<DemoSet> sets = [new("start", start.Demos)];
        List<(string Text, string Tip, int DemoSet)> instructions = [(start.User, "none", 0)];
        (int I, int J) best = (0, 0);
        string stop = Completed;
        CandidateRecord? startRecord = null;
        try
        {
            var startEval = await ledger.EvaluateAsync(start, dev, cancellationToken).ConfigureAwait(false);
            startRecord = session.AddCandidate(start, startEval.Score, null, "initial", 0, accepted: true);
            full[(0, 0)] = startEval.Score;
            candidates[(0, 0)] = startRecord;
            session.Track(startEval.Score);

            // Step 1: demo sets. Step 2: data summary, then grounded proposals with a random tip each.
            // Issue 17: every draw first, in the order the steps drew them; then the bootstrapped sets (independent of one
            // another) and the data summary (which waits for no score) run at once when the budget cannot stop them, else in
            // the order they ran before (the sets one after another, then the summary).
            var plan = MiproDemoSets.Draw(session.Rng, start, o, nDemo, learn);
            var summarySample = Sample(session.Rng, learn, o.SummarySample);
            bool overlap = BudgetPlanning.CannotRunOut(request.Usage, plan.MaxTaskCalls, 1);
            var building = MiproDemoSets.BootstrapAsync(session, ledger, o, plan, overlap, cancellationToken);
            if (!overlap)
            {
                sets = await building.ConfigureAwait(false);
            }

            var summary = await ops.SummarizeDataAsync(summarySample, 0, cancellationToken).ConfigureAwait(false) ?? string.Empty;
            sets = await building.ConfigureAwait(false);
            details["summary"] = summary;
            // Issue 17: the proposals wait for no score, so all are written at once (the evaluation queue); the tips are
            // drawn first, in the order the loop drew them, and the replies are read back in that order.
            var tips = Enumerable.Range(1, Math.Max(0, nInstr - 1)).Select(_ => MiproOptions.Tips[session.Rng.Next(MiproOptions.Tips.Count)]).ToList();
            var proposals = session.Batch(tips.Count, 0, tips.Count,
                k => ops.ProposeInstructionAsync(summary, sets[(k + 1) % sets.Count].Demos, start.Instruction, tips[k].Text, k + 1, cancellationToken));
            await using var proposalsDrain = proposals.ConfigureAwait(false);
            for (int i = 1; i < nInstr; i++)
            {
                var tip = tips[i - 1];
                int set = i % sets.Count;
                var text = await proposals[i - 1].ConfigureAwait(false);
                if (text is null)
                {
                    continue;
                }

                var user = Prompt.FromInstruction(text.Trim()).User;
                if (instructions.All(x => x.Text != user))
                {
                    instructions.Add((user, tip.Name, set));
                }
            }

            // Step 3: TPE over (instruction, demo set); minibatch trials, full evaluations of the best-by-mean every few trials.
            bool minibatch = dev.Count > o.MinibatchSize;
            var tpe = new TpeSampler([instructions.Count, sets.Count], session.Rng, preferUnseen: !minibatch);
            for (int t = 1; t <= trials; t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                session.Emit(new StepStarted(t, trials, "trial"));
                var x = tpe.Suggest();
                var key = (x[0], x[1]);
                var examples = minibatch ? Sample(session.Rng, dev, o.MinibatchSize) : dev;
                var eval = await ledger.EvaluateAsync(PromptOf(key), examples, cancellationToken).ConfigureAwait(false);
                tpe.Observe(x, eval.Score);
                var (sum, n) = means.GetValueOrDefault(key);
                means[key] = (sum + eval.Score, n + 1);
                if (!minibatch)
                {
                    full[key] = eval.Score;
                }

                trialsJson.Add(new JsonObject { ["trial"] = t, ["instruction"] = x[0], ["demo_set"] = x[1], ["score"] = eval.Score, ["examples"] = examples.Count });
                if (t % o.FullEvalEvery == 0 || t == trials || !minibatch)
                {
                    await FullEvalAsync(t).ConfigureAwait(false);
                }

                session.CompleteStep(t, full[best], $"trial {t}: instruction {x[0]}, demo set {x[1]}: {F(eval.Score)} on {examples.Count}; best {F(full[best])}");
            }

            // Why a plan can end well inside a large budget: a trial re-scoring a pair on examples it has already answered
            // costs nothing (the ledger), so the trials stop paying once the pairs TPE favours are known on the dev set.
            session.PlanEnd = $"its {trials} trials ran over {means.Count} of the {instructions.Count * sets.Count} (instruction, demo set) pairs; "
                + "a trial on examples a pair has already answered costs no call";
        }
        catch (BudgetExhaustedException)
        {
            stop = Budget;
        }

        details["instructions"] = new JsonArray(instructions.Select((x, i) => (JsonNode?)new JsonObject { ["index"] = i, ["text"] = x.Text, ["tip"] = x.Tip, ["demo_set"] = x.DemoSet }).ToArray());
        details["demo_sets"] = new JsonArray(sets.Select((s, i) => (JsonNode?)new JsonObject
        {
            ["index"] = i,
            ["kind"] = s.Kind,
            ["demos"] = Demo.ToJson(s.Demos),
        }).ToArray());
        details["trials"] = trialsJson;
        details["full_evals"] = fullJson;
        if (startRecord is null)
        {
            return await session.FinishAsync(start, 0, 0, stop, details, cancellationToken).ConfigureAwait(false);
        }

        // Every combination tried on a minibatch only is recorded too (unscored on the dev set), so the run lists all it paid for.
        foreach (var (key, (sum, n)) in means.OrderBy(kv => kv.Key))
        {
            if (!candidates.ContainsKey(key))
            {
                candidates[key] = session.AddCandidate(PromptOf(key), null, startRecord.Id, "trial", 0, accepted: false,
                    $"instruction {key.Item1}, demo set {key.Item2}: mean {F(sum / n)} over {n} minibatch trial(s)");
            }
        }

        details["best"] = new JsonObject { ["instruction"] = best.I, ["demo_set"] = best.J, ["score"] = full[best], ["candidate"] = candidates[best].Id };
        session.SetAccepted(candidates[best].Id, true);
        return await session.FinishAsync(PromptOf(best), full[(0, 0)], full[best], stop, details, cancellationToken).ConfigureAwait(false);

        Prompt PromptOf((int I, int J) k) =>
            start with { User = instructions[k.I].Text, Demos = sets[k.J].Demos, DemoStyle = k.J == 0 ? start.DemoStyle : o.DemoStyle };

        async Task FullEvalAsync(int afterTrial)
        {
            // DSPy: the combination with the best mean minibatch score so far, unless it already has a full score.
            var top = means.OrderByDescending(kv => kv.Value.Sum / kv.Value.N).ThenBy(kv => kv.Key).First().Key;
            if (!full.TryGetValue(top, out var score))
            {
                score = (await ledger.EvaluateAsync(PromptOf(top), dev, cancellationToken).ConfigureAwait(false)).Score;
                full[top] = score;
            }

            if (!candidates.TryGetValue(top, out var record))
            {
                record = session.AddCandidate(PromptOf(top), score, startRecord!.Id, "trial", afterTrial, accepted: false,
                    $"instruction {top.Item1} ({instructions[top.Item1].Tip} tip), demo set {top.Item2} ({sets[top.Item2].Kind})");
                candidates[top] = record;
            }

            bool better = score > full[best];
            if (better)
            {
                best = top;
            }

            fullJson.Add(new JsonObject
            {
                ["after_trial"] = afterTrial,
                ["instruction"] = top.Item1,
                ["demo_set"] = top.Item2,
                ["score"] = score,
                ["candidate"] = record.Id,
                ["incumbent"] = better,
            });
        }
    }
}
