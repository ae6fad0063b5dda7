using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Prompts;
using static PromptOpt.Optimizers.Baselines.BaselineSupport;

namespace PromptOpt.Optimizers.Baselines.Opro;

/// <summary>
/// OPRO (Yang et al. 2023) as in ALGORITHMS.md 4.2: each step shows the optimizer the best ≤ <see cref="OproOptions.MaxHistory"/>
/// scored instructions in ascending score order plus <see cref="OproOptions.Exemplars"/> random task exemplars, asks for
/// <see cref="OproOptions.ProposalsPerStep"/> new instructions at temperature 1.0, evaluates the new (deduplicated) ones on V
/// and merges them into the history. Only the user prompt is optimized (instruction first, then the question, OPRO's
/// "Q_begin"); the start prompt's system part is kept.
/// </summary>
/// <remarks>
/// Details: <c>history</c> (every scored instruction in evaluation order: <c>step</c>, <c>candidate</c>, <c>instruction</c>,
/// <c>score</c>; step 0 is the start prompt) and <c>steps</c> (per step: <c>step</c>, <c>proposed</c>, <c>evaluated</c>,
/// <c>duplicates</c>, <c>best</c>).
/// </remarks>
public sealed class OproOptimizer : IPromptOptimizer, IStepCost
{
    /// <summary>The method name used on the command line.</summary>
    public const string MethodName = "opro";

    /// <summary>Initializes a new instance of the <see cref="OproOptimizer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="PromptOptInputException">An option is invalid (all problems in one message).</exception>
    public OproOptimizer(OproOptions? options = null)
    {
        Options = options ?? new OproOptions();
        OptionsValidation.Validate(Options);
    }

    /// <summary>The one-line description shown by the command line.</summary>
    public const string Description = "OPRO: propose instructions from the scored history and task exemplars (Yang et al. 2023)";

    /// <summary>Creates the optimizer with key/value settings bound to its options (see <see cref="OptionsValidation.Bind"/>).</summary>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="PromptOptInputException">An unknown key or an invalid value (all problems in one message).</exception>
    public static OproOptimizer FromSettings(IReadOnlyDictionary<string, string>? settings)
    {
        var options = new OproOptions();
        OptionsValidation.Bind(options, settings);
        return new OproOptimizer(options);
    }

    /// <inheritdoc />
    public string Name => MethodName;

    /// <inheritdoc />
    public (long TaskCalls, long OptimizerCalls) MinimumRun(int trainSize) => (2L * trainSize, 1); // the start prompt and one proposal

    /// <summary>Gets the options.</summary>
    public OproOptions Options { get; }

    /// <inheritdoc />
    public async Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        OptionsValidation.Validate(Options);
        var o = Options;
        var session = new OptimizationSession(MethodName, request);
        var ops = CreateOperations(session, o.Temperature, o.MaxHistory);
        var start = session.StartPrompt;

        long v = session.TrainSet.Count;
        var budget = request.Usage.Budget;
        int steps = ResolveSteps(o, budget, (int)v);
        bool scales = o.Steps is null && session.Scales(o.ScaleToBudget);
        session.Plan = scales
            ? $"about {steps} steps of up to {o.ProposalsPerStep} proposals, scaled to the budget (steps go on while the budget pays for one more proposal, at most {OproOptions.PaperSteps})"
            : $"{steps} steps of {o.ProposalsPerStep} proposals";
        session.Announce(
            Cap(v * (1 + ((long)steps * o.ProposalsPerStep)), budget.MaxTaskCalls), Cap(steps, budget.MaxOptimizerCalls),
            v * (1 + (scales ? 1 : o.ProposalsPerStep)), 1);
        session.ScoreStartOnTestEarly(cancellationToken); // issue 17: fills the slots idle during each step's proposal call

        var history = new List<(CandidateRecord Record, string Instruction)>();
        var seenInstructions = new HashSet<string>(StringComparer.Ordinal);
        var historyJson = new JsonArray();
        var stepsJson = new JsonArray();
        CandidateRecord? startRecord = null;
        string stop = Completed;
        int stalled = 0; // consecutive steps that proposed nothing new
        try
        {
            var startEval = await session.EvaluateAsync(start, session.TrainSet, cancellationToken).ConfigureAwait(false);
            startRecord = session.AddCandidate(start, startEval.Score, null, "initial", 0, accepted: true);
            Merge(startRecord, start.Instruction, 0);

            for (int step = 1; scales ? step <= OproOptions.PaperSteps : step <= steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int ask = o.ProposalsPerStep;
                if (scales)
                {
                    // Budgets are spent, not capped: go on while the budget pays for one call and one more proposal scored on
                    // V; the last step asks only for the proposals it can still score (duplicates leave room for more steps).
                    long left = request.Usage.RemainingCalls(ModelRoles.Task) / Math.Max(1, v);
                    if (!BudgetPlanning.Affords(request.Usage, v, 1))
                    {
                        session.PlanEnd = $"the next step needs at least {v} task calls and 1 optimizer call; {BudgetPlanning.Remaining(request.Usage)}";
                        break;
                    }

                    ask = (int)Math.Min(ask, left);
                }

                var incumbent = Best();

                // OPRO meta-prompt: the scored history (PromptOperations shows the best MaxHistory in ascending order) and
                // random exemplars; one proposal call per step at the optimizer temperature.
                var shown = history.Where(h => (h.Record.TrainScore ?? 0) >= o.MinHistoryScore)
                    .Select(h => new ScoredInstruction(h.Instruction, h.Record.TrainScore ?? 0)).ToList();
                var exemplars = Sample(session.Rng, session.TrainSet, o.Exemplars);
                var proposed = await ops.ProposeFromHistoryAsync(shown, exemplars, ask, step - 1, cancellationToken).ConfigureAwait(false);

                int evaluated = 0, duplicates = 0;
                var fresh = new List<Prompt>();
                foreach (var text in proposed)
                {
                    var prompt = WithSystem(Prompt.FromInstruction(text.Trim()), start.System);
                    var norm = Normalize(prompt.Instruction);
                    if (norm.Length == 0 || !seenInstructions.Add(norm) || session.HasSeen(prompt))
                    {
                        duplicates++; // OPRO skips instructions it has already scored; dedupe before paying
                        continue;
                    }

                    fresh.Add(prompt);
                }

                // Issue 17: the step's new instructions are scored at once (the evaluation queue), read back in order.
                var scoring = session.Batch(fresh.Count, fresh.Count * v, 0, i => session.EvaluateAsync(fresh[i], session.TrainSet, cancellationToken));
                await using var scoringDrain = scoring.ConfigureAwait(false);
                for (int i = 0; i < fresh.Count; i++)
                {
                    try
                    {
                        var eval = await scoring[i].ConfigureAwait(false);
                        var record = session.AddCandidate(fresh[i], eval.Score, incumbent.Id, "propose_from_history", step, accepted: false);
                        Merge(record, fresh[i].Instruction, step);
                        evaluated++;
                    }
                    catch (BudgetExhaustedException)
                    {
                        // The proposal call was paid for: keep the written instructions on record, unscored.
                        foreach (var rest in fresh.Skip(i))
                        {
                            session.AddCandidate(rest, null, incumbent.Id, "propose_from_history", step, accepted: false, "not evaluated: the budget ran out");
                        }

                        throw;
                    }
                }

                stalled = evaluated == 0 ? stalled + 1 : 0;
                var best = Best();
                stepsJson.Add(new JsonObject
                {
                    ["step"] = step,
                    ["proposed"] = proposed.Count,
                    ["evaluated"] = evaluated,
                    ["duplicates"] = duplicates,
                    ["best"] = best.TrainScore,
                });
                session.CompleteStep(step, best.TrainScore ?? 0, $"{evaluated} new of {proposed.Count} proposed; best {F(best.TrainScore ?? 0)}");
                if (scales && o.StallSteps > 0 && stalled >= o.StallSteps)
                {
                    session.PlanEnd = $"{stalled} steps in a row proposed only instructions already scored (option stall-steps = {o.StallSteps})";
                    break;
                }
            }
        }
        catch (BudgetExhaustedException)
        {
            stop = Budget;
        }

        var details = new JsonObject { ["planned_steps"] = steps, ["history"] = historyJson, ["steps"] = stepsJson };
        if (startRecord is null)
        {
            return await session.FinishAsync(start, 0, 0, stop, details, cancellationToken).ConfigureAwait(false);
        }

        var final = Best();
        session.SetAccepted(final.Id, true);
        return await session.FinishAsync(final.Prompt, startRecord.TrainScore ?? 0, final.TrainScore ?? 0, stop, details, cancellationToken).ConfigureAwait(false);

        void Merge(CandidateRecord record, string instruction, int step)
        {
            history.Add((record, instruction));
            seenInstructions.Add(Normalize(instruction));
            historyJson.Add(new JsonObject
            {
                ["step"] = step,
                ["candidate"] = record.Id,
                ["instruction"] = instruction,
                ["score"] = record.TrainScore,
            });
        }

        // The best so far; ties keep the earlier candidate.
        CandidateRecord Best() => history.Select(h => h.Record).OrderByDescending(r => r.TrainScore ?? double.MinValue).ThenBy(r => r.Id).First();
    }

    /// <summary>Resolves the number of steps: the option, or the repository's 200 scaled by the budget.</summary>
    /// <param name="o">The options.</param>
    /// <param name="budget">The run's budget.</param>
    /// <param name="v">|V|.</param>
    /// <returns>The number of steps.</returns>
    internal static int ResolveSteps(OproOptions o, OptimizationBudget budget, int v)
    {
        if (o.Steps is { } s)
        {
            return s;
        }

        if (budget.MaxTaskCalls is null && budget.MaxOptimizerCalls is null)
        {
            return OproOptions.DefaultSteps;
        }

        long steps = OproOptions.PaperSteps;
        if (budget.MaxTaskCalls is { } t)
        {
            // Every evaluation the budget pays for after the start prompt's, in steps of ProposalsPerStep (the last one partial).
            long evaluations = (t / Math.Max(1, v)) - 1;
            steps = Math.Min(steps, (evaluations + o.ProposalsPerStep - 1) / o.ProposalsPerStep);
        }

        if (budget.MaxOptimizerCalls is { } c)
        {
            steps = Math.Min(steps, c);
        }

        return (int)Math.Clamp(steps, 1, OproOptions.PaperSteps);
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
