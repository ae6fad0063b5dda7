using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Prompts;
using PromptOpt.Reporting;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>One unseen task's scores: the mean test score over its user prompts under each system prompt.</summary>
/// <param name="Task">The task name.</param>
/// <param name="Domain">The domain.</param>
/// <param name="Default">The mean under the default system prompt.</param>
/// <param name="Cot">The mean under the chain-of-thought system prompt, or <see langword="null"/> when not measured.</param>
/// <param name="Optimized">The mean under the optimized system prompt.</param>
/// <param name="UserPrompts">The user prompts (APE-generated from the task's training examples).</param>
public sealed record UnseenTaskResult(string Task, string Domain, double Default, double? Cot, double Optimized, IReadOnlyList<string> UserPrompts);

/// <summary>The unseen-generalization protocol's result: per task, and the per-domain table.</summary>
/// <param name="Tasks">The per-task results, in task order.</param>
/// <param name="Table">The table: rows Default, CoT (when measured), MetaSPO; columns domains and Avg.</param>
public sealed record UnseenGeneralizationResult(IReadOnlyList<UnseenTaskResult> Tasks, MetaSpoTable Table)
{
    /// <summary>Gets the mean over tasks under the default system prompt.</summary>
    public double MeanDefault => Tasks.Count == 0 ? 0 : Tasks.Average(t => t.Default);

    /// <summary>Gets the mean over tasks under the optimized system prompt.</summary>
    public double MeanOptimized => Tasks.Count == 0 ? 0 : Tasks.Average(t => t.Optimized);

    /// <summary>Writes the per-task entries in the shape of <see cref="ReportDetailKeys.Unseen"/> (plus <c>user_prompts</c>).</summary>
    /// <returns>The JSON array.</returns>
    public JsonArray ToJson() => new(Tasks.Select(t => (JsonNode?)new JsonObject
    {
        ["task"] = t.Task,
        ["domain"] = t.Domain,
        ["default"] = t.Default,
        ["cot"] = t.Cot,
        ["optimized"] = t.Optimized,
        ["user_prompts"] = new JsonArray(t.UserPrompts.Select(u => (JsonNode?)JsonValue.Create(u)).ToArray()),
    }).ToArray());

    /// <summary>Reads the result back from the details written by <see cref="ToJson"/> and the table's JSON.</summary>
    /// <param name="entries">The <c>unseen</c> array.</param>
    /// <param name="table">The <c>unseen_table</c> object.</param>
    /// <returns>The result, or <see langword="null"/> when absent.</returns>
    public static UnseenGeneralizationResult? FromJson(JsonNode? entries, JsonNode? table)
    {
        if (entries is not JsonArray array)
        {
            return null;
        }

        var tasks = DetailsReader.Objects(array).Select(o => new UnseenTaskResult(
            DetailsReader.Str(o, "task") ?? string.Empty,
            DetailsReader.Str(o, "domain") ?? TaskSuite.DefaultDomain,
            DetailsReader.Num(o, "default") ?? 0,
            DetailsReader.Num(o, "cot"),
            DetailsReader.Num(o, "optimized") ?? 0,
            DetailsReader.Arr(o, "user_prompts")?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty).ToList() ?? [])).ToList();
        return new UnseenGeneralizationResult(tasks, MetaSpoTable.FromJson(table) ?? UnseenGeneralization.TableOf(tasks));
    }
}

/// <summary>
/// The unseen-generalization protocol (ALGORITHMS.md 3.5 [C]): the optimized system prompt is fixed; for each unseen task,
/// user prompts are written APE-style from its training examples (the induce operation, seeded per task so every system
/// prompt is measured on the same prompts, and free on a rerun through the response cache), and the mean test score over
/// them is reported under the default, the chain-of-thought and the optimized system prompts.
/// </summary>
public static class UnseenGeneralization
{
    /// <summary>Runs the protocol on <see cref="OptimizationRequest.UnseenTasks"/>.</summary>
    /// <param name="request">The request (models, usage, seed, train and test sizes, progress).</param>
    /// <param name="optimizedSystemPrompt">The optimized system prompt.</param>
    /// <param name="options">The options (<see cref="MetaSpoOptions.UnseenUserPrompts"/>, <see cref="MetaSpoOptions.UnseenDemos"/>,
    /// <see cref="MetaSpoOptions.InitialSystemPrompt"/> as the default, <see cref="MetaSpoOptions.CotSystemPrompt"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The result. Test calls run under the uncharged <c>test</c> role; the induce calls are optimizer calls.</returns>
    /// <exception cref="Models.BudgetExhaustedException">The optimizer budget ran out while writing user prompts.</exception>
    public static async Task<UnseenGeneralizationResult> RunAsync(
        OptimizationRequest request, string optimizedSystemPrompt, MetaSpoOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(optimizedSystemPrompt);
        options ??= new MetaSpoOptions();
        OptionsValidation.Validate(options);
        var ops = new PromptOperations(request.OptimizerModel, new PromptOperationOptions
        {
            OnDrop = d => request.Progress?.Report(new RunNotice($"unseen generalization: dropped an induced prompt ({d.Reason})")),
        });
        var systems = new List<string> { options.InitialSystemPrompt };
        bool cot = !string.IsNullOrWhiteSpace(options.CotSystemPrompt);
        if (cot)
        {
            systems.Add(options.CotSystemPrompt);
        }

        systems.Add(optimizedSystemPrompt);
        var rows = new List<UnseenTaskResult>();
        foreach (var task in request.UnseenTasks)
        {
            var session = new OptimizationSession(MetaSpoOptimizer.MethodName, request.ForTask(task));
            var users = await UserPromptsAsync(ops, task, session.TrainSet, request.Seed, options, cancellationToken).ConfigureAwait(false);
            var scores = await Task.WhenAll(systems.Select(async s =>
            {
                var each = await Task.WhenAll(users.Select(u => session.TestScoreAsync(new Prompt(s, u), cancellationToken))).ConfigureAwait(false);
                return each.Average(e => e.Score);
            })).ConfigureAwait(false);
            var row = new UnseenTaskResult(task.Name, DomainOf(task), scores[0], cot ? scores[1] : null, scores[^1], users);
            rows.Add(row);
            session.Emit(new RunNotice(string.Create(CultureInfo.InvariantCulture,
                $"unseen task {task.Name}: default {row.Default:F3}, optimized {row.Optimized:F3} (mean over {users.Count} user prompts)")));
        }

        return new UnseenGeneralizationResult(rows, TableOf(rows));
    }

    /// <summary>
    /// Writes a task's user prompts APE-style: each induced from <see cref="MetaSpoOptions.UnseenDemos"/> random training
    /// examples, then the task's answer-format line appended. The draws come from a source seeded by (seed, task), so the
    /// prompts do not depend on the other tasks. When every induction is dropped, the task's initial user prompt is used.
    /// </summary>
    /// <param name="ops">The operations.</param>
    /// <param name="task">The task.</param>
    /// <param name="train">The training examples to draw demos from.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The user prompts (up to <see cref="MetaSpoOptions.UnseenUserPrompts"/>).</returns>
    public static async Task<IReadOnlyList<string>> UserPromptsAsync(
        PromptOperations ops, TaskDefinition task, IReadOnlyList<Example> train, int seed, MetaSpoOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        var rng = StableHash.Rng(seed, "metaspo-unseen-prompts", task.Name);
        var demos = Enumerable.Range(0, options.UnseenUserPrompts).Select(_ => MetaSpoSampling.Sample(train, options.UnseenDemos, rng)).ToList();
        var induced = await Task.WhenAll(demos.Select((d, k) => ops.InduceInstructionAsync(d, k, cancellationToken))).ConfigureAwait(false);
        var users = induced.OfType<Prompt>().Select(p => MetaSpoPrompts.WithAnswerFormat(p.User, task)).ToList();
        return users.Count > 0 ? users : [MetaSpoPrompts.InitialUserPrompt(task)];
    }

    internal static MetaSpoTable TableOf(IReadOnlyList<UnseenTaskResult> rows)
    {
        bool cot = rows.Any(r => r.Cot is not null);
        var labels = cot ? new[] { "Default", "CoT", "MetaSPO" } : ["Default", "MetaSPO"];
        return MetaSpoTable.ByDomain("Unseen generalization (mean test score over user prompts)", labels,
            rows.Select(r => (r.Domain, (IReadOnlyList<double?>)(cot ? [r.Default, r.Cot, r.Optimized] : [r.Default, r.Optimized]))).ToList());
    }

    internal static string DomainOf(TaskDefinition task) => string.IsNullOrWhiteSpace(task.Domain) ? TaskSuite.DefaultDomain : task.Domain;
}
