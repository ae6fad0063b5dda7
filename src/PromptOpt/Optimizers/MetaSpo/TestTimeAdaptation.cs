using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Optimizers.Baselines.ProTeGi;
using PromptOpt.Prompts;
using PromptOpt.Reporting;

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
/// search over each unseen task's user prompt on its training examples, reporting the test score of the beam's leader
/// after each round, under the default and under the optimized system prompt. It runs the ProTeGi baseline
/// (<see cref="ProTeGiOptimizer"/>, which never changes the system prompt) with MetaSPO's schedule: an initial round of
/// <see cref="MetaSpoOptions.TtaCandidates"/> candidates from the start prompt, a beam of <see cref="MetaSpoOptions.TtaBeamSize"/>,
/// then <see cref="MetaSpoOptions.TtaIterations"/> rounds of <see cref="MetaSpoOptions.TtaCandidates"/> successors per beam
/// member, each (with the default <see cref="ProTeGiExpansion.TextualGradient"/>) one textual gradient on
/// <see cref="MetaSpoOptions.TtaErrors"/> random errors and one edit, with no Monte-Carlo paraphrases; every candidate is
/// scored on the task's whole V (brute force).
/// </summary>
public static class TestTimeAdaptation
{
    /// <summary>Runs the protocol on <see cref="OptimizationRequest.UnseenTasks"/>.</summary>
    /// <param name="request">The request (models, usage, seed, train and test sizes, progress).</param>
    /// <param name="optimizedSystemPrompt">The optimized system prompt.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults (<see cref="MetaSpoOptions.InitialSystemPrompt"/> is the default system prompt).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The result. Training evaluations and optimizer calls are charged; test scores use the uncharged <c>test</c> role.</returns>
    /// <exception cref="BudgetExhaustedException">The budget ran out.</exception>
    public static async Task<TestTimeAdaptationResult> RunAsync(
        OptimizationRequest request, string optimizedSystemPrompt, MetaSpoOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(optimizedSystemPrompt);
        options ??= new MetaSpoOptions();
        OptionsValidation.Validate(options);
        var rows = new List<TtaTaskResult>();
        foreach (var task in request.UnseenTasks)
        {
            var def = await AdaptAsync(request, task, options.InitialSystemPrompt, options, cancellationToken).ConfigureAwait(false);
            var opt = await AdaptAsync(request, task, optimizedSystemPrompt, options, cancellationToken).ConfigureAwait(false);
            var row = new TtaTaskResult(task.Name, UnseenGeneralization.DomainOf(task), def.Curve, opt.Curve, def.BestUser, opt.BestUser);
            rows.Add(row);
            request.Progress?.Report(new RunNotice(string.Create(CultureInfo.InvariantCulture,
                $"test-time adaptation on {task.Name}: default {row.Default[0]:F3} → {row.Default[^1]:F3}, optimized {row.Optimized[0]:F3} → {row.Optimized[^1]:F3}")));
        }

        return new TestTimeAdaptationResult(rows, TableOf(rows));
    }

    /// <summary>Adapts one task's user prompt (from <see cref="MetaSpoPrompts.InitialUserPrompt"/>) under one fixed system prompt.</summary>
    /// <param name="request">The request (its task is replaced by <paramref name="task"/>; the nested run reports no events).</param>
    /// <param name="task">The task.</param>
    /// <param name="system">The fixed system prompt.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The test curve (element 0 = the start prompt, then one per round) and the best user prompt.</returns>
    /// <exception cref="BudgetExhaustedException">The budget ran out during the search.</exception>
    public static async Task<(IReadOnlyList<double> Curve, string BestUser)> AdaptAsync(
        OptimizationRequest request, TaskDefinition task, string system, MetaSpoOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        var protegi = new ProTeGiOptimizer(ProTeGiOptionsFor(options));
        var sub = request.ForTask(task, new Prompt(system, MetaSpoPrompts.InitialUserPrompt(task)), keepProgress: false);
        var result = await protegi.OptimizeAsync(sub, cancellationToken).ConfigureAwait(false);
        if (result.StopReason == "budget")
        {
            throw new BudgetExhaustedException($"test-time adaptation on {task.Name} stopped: the budget is spent");
        }

        var curve = DetailsReader.Objects(result.Details, "iterations").Select(e => DetailsReader.Num(e, "test")).OfType<double>().ToList();
        return (curve, result.BestPrompt.User);
    }

    /// <summary>The ProTeGi options of MetaSPO's test-time adaptation (ALGORITHMS.md 3.4, "test-time adaptation").</summary>
    /// <param name="options">The MetaSPO options.</param>
    /// <returns>The ProTeGi options.</returns>
    public static ProTeGiOptions ProTeGiOptionsFor(MetaSpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ProTeGiOptions
        {
            InitialCandidates = options.TtaCandidates,
            Rounds = options.TtaIterations,
            BeamSize = options.TtaBeamSize,
            MaxExpansionsPerParent = options.TtaCandidates,
            Gradients = options.TtaCandidates,
            ErrorsPerGradient = options.TtaErrors,
            ReasonsPerGradient = 1,
            EditsPerGradient = 1,
            Paraphrases = 0,
            Expansion = options.TtaExpansion,
            Selection = ProTeGiSelection.BruteForce,
            RecordTestScores = true,
            ScaleToBudget = false, // MetaSPO's protocol is a fixed plan (ALGORITHMS.md 3.4)
        };
    }

    internal static MetaSpoTable TableOf(IReadOnlyList<TtaTaskResult> rows) =>
        MetaSpoTable.ByDomain("Test-time adaptation (final test score)", ["Default", "MetaSPO"],
            rows.Select(r => (r.Domain, (IReadOnlyList<double?>)[r.Default.Count > 0 ? r.Default[^1] : null, r.Optimized.Count > 0 ? r.Optimized[^1] : null])).ToList());
}
