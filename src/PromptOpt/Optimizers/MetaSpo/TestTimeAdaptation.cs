using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Prompts;
using PromptOpt.Reporting;
using PromptOpt.Simulation;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>One unseen task's test-time adaptation curves: the test score of the beam's best prompt, element 0 before adaptation.</summary>
/// <param name="Task">The task name.</param>
/// <param name="Domain">The domain.</param>
/// <param name="Default">The curve under the default system prompt.</param>
/// <param name="Optimized">The curve under the optimized system prompt.</param>
/// <param name="DefaultBestUser">The best user prompt found under the default system prompt.</param>
/// <param name="OptimizedBestUser">The best user prompt found under the optimized system prompt.</param>
public sealed record TtaTaskResult(string Task, string Domain, IReadOnlyList<double> Default, IReadOnlyList<double> Optimized, string DefaultBestUser, string OptimizedBestUser)
{
    /// <summary>Gets the first iteration at which the optimized curve reaches the default curve's final score, or <see langword="null"/> if never.</summary>
    public int? OptimizedReachesDefaultFinalAt => TestTimeAdaptationResult.FirstReaching(Optimized, Default.Count == 0 ? double.NaN : Default[^1]);
}

/// <summary>The test-time-adaptation protocol's result: per-task curves and a table of final scores per domain.</summary>
/// <param name="Tasks">The per-task curves, in task order.</param>
/// <param name="Table">The final test scores: rows Default and MetaSPO; columns domains and Avg.</param>
public sealed record TestTimeAdaptationResult(IReadOnlyList<TtaTaskResult> Tasks, MetaSpoTable Table)
{
    /// <summary>Gets the mean curve over tasks under the default system prompt.</summary>
    public IReadOnlyList<double> MeanDefault => MeanCurve(Tasks.Select(t => t.Default));

    /// <summary>Gets the mean curve over tasks under the optimized system prompt.</summary>
    public IReadOnlyList<double> MeanOptimized => MeanCurve(Tasks.Select(t => t.Optimized));

    /// <summary>Gets the first iteration at which the mean optimized curve reaches the mean default curve's final score, or <see langword="null"/>.</summary>
    public int? OptimizedReachesDefaultFinalAt => MeanDefault.Count == 0 ? null : FirstReaching(MeanOptimized, MeanDefault[^1]);

    /// <summary>Writes the per-task entries in the shape of <see cref="ReportDetailKeys.Tta"/> (plus <c>domain</c> and the best user prompts).</summary>
    /// <returns>The JSON array.</returns>
    public JsonArray ToJson() => new(Tasks.Select(t => (JsonNode?)new JsonObject
    {
        ["task"] = t.Task,
        ["domain"] = t.Domain,
        ["default"] = Numbers(t.Default),
        ["optimized"] = Numbers(t.Optimized),
        ["default_best_user_prompt"] = t.DefaultBestUser,
        ["optimized_best_user_prompt"] = t.OptimizedBestUser,
    }).ToArray());

    /// <summary>Reads the result back from the details written by <see cref="ToJson"/> and the table's JSON.</summary>
    /// <param name="entries">The <c>tta</c> array.</param>
    /// <param name="table">The <c>tta_table</c> object.</param>
    /// <returns>The result, or <see langword="null"/> when absent.</returns>
    public static TestTimeAdaptationResult? FromJson(JsonNode? entries, JsonNode? table)
    {
        if (entries is not JsonArray array)
        {
            return null;
        }

        var tasks = DetailsReader.Objects(array).Select(o => new TtaTaskResult(
            DetailsReader.Str(o, "task") ?? string.Empty,
            DetailsReader.Str(o, "domain") ?? TaskSuite.DefaultDomain,
            DetailsReader.Numbers(o, "default").OfType<double>().ToList(),
            DetailsReader.Numbers(o, "optimized").OfType<double>().ToList(),
            DetailsReader.Str(o, "default_best_user_prompt") ?? string.Empty,
            DetailsReader.Str(o, "optimized_best_user_prompt") ?? string.Empty)).ToList();
        return new TestTimeAdaptationResult(tasks, MetaSpoTable.FromJson(table) ?? TestTimeAdaptation.TableOf(tasks));
    }

    internal static int? FirstReaching(IReadOnlyList<double> curve, double target)
    {
        for (int i = 0; i < curve.Count; i++)
        {
            if (curve[i] >= target - 1e-12)
            {
                return i;
            }
        }

        return null;
    }

    private static List<double> MeanCurve(IEnumerable<IReadOnlyList<double>> curves)
    {
        var list = curves.Where(c => c.Count > 0).ToList();
        if (list.Count == 0)
        {
            return [];
        }

        int n = list.Min(c => c.Count);
        return Enumerable.Range(0, n).Select(i => list.Average(c => c[i])).ToList();
    }

    private static JsonArray Numbers(IReadOnlyList<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}

/// <summary>
/// The test-time-adaptation protocol (ALGORITHMS.md 3.4–3.5 [C]): with the system prompt fixed, a ProTeGi-style beam
/// search over each unseen task's user prompt on its training examples, reporting the test score after each iteration,
/// under the default and under the optimized system prompt. Each iteration, every beam member gets one textual gradient
/// (<see cref="MetaSpoOptions.TtaCandidates"/> reasons from <see cref="MetaSpoOptions.TtaErrors"/> sampled errors) and one
/// edit per reason (the shared TextualGradient / ApplyGradient operations); the beam keeps the top
/// <see cref="MetaSpoOptions.TtaBeamSize"/> of old and new by training score. The first iteration, with the start prompt
/// as the only member, is "3 candidates from the start prompt" [our reading of the code's schedule].
/// </summary>
/// <remarks>
/// This is a small stand-alone loop over the shared operations: the ProTeGi baseline was not on main when it was written.
/// </remarks>
public static class TestTimeAdaptation
{
    /// <summary>Runs the protocol on <see cref="OptimizationRequest.UnseenTasks"/>.</summary>
    /// <param name="request">The request (models, usage, seed, train and test sizes, progress).</param>
    /// <param name="optimizedSystemPrompt">The optimized system prompt.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults (<see cref="MetaSpoOptions.InitialSystemPrompt"/> is the default system prompt).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The result. Training evaluations and optimizer calls are charged; test scores use the uncharged <c>test</c> role.</returns>
    /// <exception cref="Models.BudgetExhaustedException">The budget ran out.</exception>
    public static async Task<TestTimeAdaptationResult> RunAsync(
        OptimizationRequest request, string optimizedSystemPrompt, MetaSpoOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(optimizedSystemPrompt);
        options ??= new MetaSpoOptions();
        OptionsValidation.Validate(options);
        var ops = new PromptOperations(request.OptimizerModel, new PromptOperationOptions
        {
            OnDrop = d => request.Progress?.Report(new RunNotice($"test-time adaptation: dropped a candidate ({d.Reason})")),
        });
        var rows = new List<TtaTaskResult>();
        foreach (var task in request.UnseenTasks)
        {
            var start = MetaSpoPrompts.InitialUserPrompt(task);
            var session = new OptimizationSession(MetaSpoOptimizer.MethodName, request.ForTask(task, new Prompt(null, start)));
            var def = await AdaptAsync(session, ops, options.InitialSystemPrompt, start, options, SimHash.Rng(request.Seed, "metaspo-tta", task.Name, "default"), cancellationToken).ConfigureAwait(false);
            var opt = await AdaptAsync(session, ops, optimizedSystemPrompt, start, options, SimHash.Rng(request.Seed, "metaspo-tta", task.Name, "optimized"), cancellationToken).ConfigureAwait(false);
            var row = new TtaTaskResult(task.Name, UnseenGeneralization.DomainOf(task), def.Curve, opt.Curve, def.BestUser, opt.BestUser);
            rows.Add(row);
            session.Emit(new RunNotice(string.Create(CultureInfo.InvariantCulture,
                $"test-time adaptation on {task.Name}: default {row.Default[0]:F3} → {row.Default[^1]:F3}, optimized {row.Optimized[0]:F3} → {row.Optimized[^1]:F3}")));
        }

        return new TestTimeAdaptationResult(rows, TableOf(rows));
    }

    /// <summary>Runs the beam search on one task with one fixed system prompt.</summary>
    /// <param name="session">The task's session (its V for training scores, its test set for the curve).</param>
    /// <param name="ops">The operations.</param>
    /// <param name="system">The fixed system prompt.</param>
    /// <param name="startUser">The start user prompt.</param>
    /// <param name="options">The options.</param>
    /// <param name="rng">The seeded source of every error sample.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The test curve (element 0 = the start prompt) and the best user prompt.</returns>
    public static async Task<(IReadOnlyList<double> Curve, string BestUser)> AdaptAsync(
        OptimizationSession session, PromptOperations ops, string system, string startUser, MetaSpoOptions options, Random rng, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(startUser);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        var beam = new List<(string User, Evaluation.EvaluationResult Eval)>
        {
            (startUser, await session.EvaluateAsync(new Prompt(system, startUser), session.TrainSet, cancellationToken).ConfigureAwait(false)),
        };
        var seen = new HashSet<string>(StringComparer.Ordinal) { startUser };
        string lastBest = startUser;
        double lastTest = (await session.TestScoreAsync(new Prompt(system, startUser), cancellationToken).ConfigureAwait(false)).Score;
        var curve = new List<double> { lastTest };
        int sample = 0;
        for (int it = 1; it <= options.TtaIterations; it++)
        {
            // Draws first, in beam order; then the calls concurrently.
            var plans = beam.Select(m => (m.User, Errors: (IReadOnlyList<FailureCase>)MetaSpoSampling.Sample(FailureCase.FromResults(m.Eval.Results), options.TtaErrors, rng), Sample: sample++))
                .Where(p => p.Errors.Count > 0).ToList();
            var edits = await Task.WhenAll(plans.Select(async p =>
            {
                var prompt = new Prompt(system, p.User);
                var reasons = await ops.TextualGradientAsync(prompt, p.Errors, options.TtaCandidates, p.Sample, cancellationToken).ConfigureAwait(false);
                var edited = await Task.WhenAll(reasons.Select((r, k) => ops.ApplyGradientAsync(prompt, p.Errors, r, (p.Sample * 100) + k, cancellationToken))).ConfigureAwait(false);
                return edited.OfType<Prompt>().Select(e => e.User).ToList();
            })).ConfigureAwait(false);
            var fresh = edits.SelectMany(e => e).Where(seen.Add).ToList(); // dedupe before paying
            var evals = await Task.WhenAll(fresh.Select(u => session.EvaluateAsync(new Prompt(system, u), session.TrainSet, cancellationToken))).ConfigureAwait(false);
            beam = beam.Concat(fresh.Zip(evals)).OrderByDescending(x => x.Item2.Score).Take(options.TtaBeamSize).ToList();
            if (beam[0].User != lastBest)
            {
                lastBest = beam[0].User;
                lastTest = (await session.TestScoreAsync(new Prompt(system, lastBest), cancellationToken).ConfigureAwait(false)).Score;
            }

            curve.Add(lastTest);
        }

        return (curve, lastBest);
    }

    internal static MetaSpoTable TableOf(IReadOnlyList<TtaTaskResult> rows) =>
        MetaSpoTable.ByDomain("Test-time adaptation (final test score)", ["Default", "MetaSPO"],
            rows.Select(r => (r.Domain, (IReadOnlyList<double?>)[r.Default.Count > 0 ? r.Default[^1] : null, r.Optimized.Count > 0 ? r.Optimized[^1] : null])).ToList());
}
