using System.Text.Json.Nodes;
using PromptOpt.Reporting;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>
/// The keys MetaSPO writes to <see cref="OptimizationResult.Details"/>. <see cref="ReportDetailKeys.Tasks"/>,
/// <see cref="ReportDetailKeys.Unseen"/> and <see cref="ReportDetailKeys.Tta"/> have the shapes of
/// <c>Reporting/README-details.md</c> (with extra fields the report ignores); the others are MetaSPO's own.
/// </summary>
public static class MetaSpoDetails
{
    /// <summary>The optimized system prompt (string).</summary>
    public const string SystemPrompt = "system_prompt";

    /// <summary>The variant (<c>full</c>, <c>outer-only</c>, <c>ape</c>).</summary>
    public const string Variant = "variant";

    /// <summary>The meta-score of the initial state (number).</summary>
    public const string StartMetaScore = "meta_score_start";

    /// <summary>The meta-score of the final state (number).</summary>
    public const string MetaScore = "meta_score";

    /// <summary>
    /// Per iteration: <c>{"iteration", "incumbent_before", "user_candidates": [{"task", "id", "score", "accepted"}],
    /// "system_candidates": [{"id", "meta_score", "accepted"}], "accepted_id"?, "system_prompt", "meta_score",
    /// "beams": [{"task", "prompts": [{"id", "user", "score"}]}], "user_dropped", "system_dropped", "system_duplicates"}</c>.
    /// </summary>
    public const string Iterations = "iterations";

    /// <summary>The unseen-generalization table (<see cref="MetaSpoTable.ToJson"/>).</summary>
    public const string UnseenTable = "unseen_table";

    /// <summary>The test-time-adaptation table (<see cref="MetaSpoTable.ToJson"/>).</summary>
    public const string TtaTable = "tta_table";

    internal static JsonObject Build(MetaSpoOptions options, string system, double startMeta, double meta, IReadOnlyList<MetaSpoTaskState> tasks, JsonArray iterations) => new()
    {
        [SystemPrompt] = system,
        [Variant] = OptionsValidation.ToKebab(options.Variant.ToString()),
        [StartMetaScore] = startMeta,
        [MetaScore] = meta,
        [ReportDetailKeys.Tasks] = new JsonArray(tasks.Select(t => (JsonNode?)new JsonObject
        {
            ["task"] = t.Task.Name,
            ["domain"] = UnseenGeneralization.DomainOf(t.Task),
            ["start"] = t.Start?.Score,
            ["best"] = t.Beam.Count > 0 ? t.Best.Score : null,
            ["best_user_prompt"] = t.Beam.Count > 0 ? t.Best.User : t.Session.StartPrompt.User,
            ["beam"] = new JsonArray(t.Beam.Select(n => (JsonNode?)new JsonObject { ["user"] = n.User, ["score"] = n.Score }).ToArray()),
        }).ToArray()),
        [Iterations] = iterations,
    };

    internal static void AddUnseen(JsonObject details, UnseenGeneralizationResult unseen)
    {
        details[ReportDetailKeys.Unseen] = unseen.ToJson();
        details[UnseenTable] = unseen.Table.ToJson();
    }

    internal static void AddTta(JsonObject details, TestTimeAdaptationResult tta)
    {
        details[ReportDetailKeys.Tta] = tta.ToJson();
        details[TtaTable] = tta.Table.ToJson();
    }
}

/// <summary>A user prompt with its training score (under the optimized system prompt).</summary>
/// <param name="User">The user prompt template.</param>
/// <param name="Score">Its training score.</param>
public sealed record ScoredUserPrompt(string User, double Score);

/// <summary>A source task's outcome: scores and its final beam of user prompts (best first).</summary>
/// <param name="Task">The task name.</param>
/// <param name="Domain">The domain.</param>
/// <param name="Start">The training score of the initial system and user prompts.</param>
/// <param name="Best">The training score of the optimized system prompt with the best user prompt.</param>
/// <param name="BestUserPrompt">The best user prompt.</param>
/// <param name="UserPrompts">The final beam (user prompt, training score), best first.</param>
public sealed record MetaSpoSourceTask(string Task, string Domain, double? Start, double? Best, string BestUserPrompt, IReadOnlyList<ScoredUserPrompt> UserPrompts);

/// <summary>
/// A typed view of a MetaSPO result (what an artifact keeps): the optimized system prompt, each source task's best user
/// prompts, and the protocol results when they were run.
/// </summary>
/// <param name="SystemPrompt">The optimized system prompt.</param>
/// <param name="Tasks">The source tasks.</param>
/// <param name="Unseen">The unseen-generalization result, or <see langword="null"/>.</param>
/// <param name="Tta">The test-time-adaptation result, or <see langword="null"/>.</param>
public sealed record MetaSpoOutcome(string SystemPrompt, IReadOnlyList<MetaSpoSourceTask> Tasks, UnseenGeneralizationResult? Unseen, TestTimeAdaptationResult? Tta)
{
    /// <summary>Gets each source task's best user prompt, by task name.</summary>
    public IReadOnlyDictionary<string, string> BestUserPrompts => Tasks.ToDictionary(t => t.Task, t => t.BestUserPrompt, StringComparer.Ordinal);

    /// <summary>Reads the outcome from a MetaSPO result's details.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The outcome, or <see langword="null"/> when the details hold no system prompt (not a MetaSPO result).</returns>
    public static MetaSpoOutcome? From(OptimizationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var d = result.Details;
        if (DetailsReader.Str(d, MetaSpoDetails.SystemPrompt) is not { } system)
        {
            return null;
        }

        var tasks = DetailsReader.Objects(d, ReportDetailKeys.Tasks).Select(o => new MetaSpoSourceTask(
            DetailsReader.Str(o, "task") ?? string.Empty,
            DetailsReader.Str(o, "domain") ?? string.Empty,
            DetailsReader.Num(o, "start"),
            DetailsReader.Num(o, "best"),
            DetailsReader.Str(o, "best_user_prompt") ?? string.Empty,
            DetailsReader.Objects(o, "beam").Select(b => new ScoredUserPrompt(DetailsReader.Str(b, "user") ?? string.Empty, DetailsReader.Num(b, "score") ?? 0)).ToList())).ToList();
        return new MetaSpoOutcome(
            system,
            tasks,
            UnseenGeneralizationResult.FromJson(d[ReportDetailKeys.Unseen], d[MetaSpoDetails.UnseenTable]),
            TestTimeAdaptationResult.FromJson(d[ReportDetailKeys.Tta], d[MetaSpoDetails.TtaTable]));
    }
}
