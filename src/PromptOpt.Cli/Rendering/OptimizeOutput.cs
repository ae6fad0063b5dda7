using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;

namespace PromptOpt.Cli.Rendering;

/// <summary>What <c>promptopt optimize</c> reports at the end.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Target">The task (or suite/environment) name.</param>
/// <param name="ScoredTask">For a multi-task run, the task the scores are measured on (MetaSPO: the first source task); else <see langword="null"/>.</param>
/// <param name="Metric">The metric name.</param>
/// <param name="Models">The resolved model spec per role.</param>
/// <param name="Simulated">Whether any model is the simulator.</param>
/// <param name="Result">The optimization result.</param>
/// <param name="Started">The method's <see cref="RunStarted"/> event, when it published one.</param>
/// <param name="Resumed">Whether the run existed and was resumed (replayed from the cache).</param>
/// <param name="StorePath">The store.</param>
/// <param name="ArtifactPath">The saved prompt artifact.</param>
/// <param name="ReportPath">The HTML report.</param>
internal sealed record OptimizeOutcome(
    string RunId, string Target, string? ScoredTask, string Metric, IReadOnlyDictionary<string, string> Models, bool Simulated, OptimizationResult Result,
    RunStarted? Started, bool Resumed, string StorePath, string ArtifactPath, string ReportPath)
{
    /// <summary>Gets every attempt at the run with its usage (this one last), or <see langword="null"/> when unknown.</summary>
    public IReadOnlyList<Reporting.AttemptUsage>? AllAttempts { get; init; }
}

/// <summary>Renders an <see cref="OptimizeOutcome"/> as JSON or as plain lines.</summary>
internal static class OptimizeOutput
{
    /// <summary>Writes the outcome to stdout.</summary>
    /// <param name="context">The context.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="json">Whether to write one JSON object.</param>
    public static void Write(CliContext context, OptimizeOutcome outcome, bool json)
    {
        if (json)
        {
            JsonOutput.Write(context.Out, ToJson(outcome));
            return;
        }

        var r = outcome.Result;
        var sim = outcome.Simulated ? " (simulated)" : string.Empty;
        var w = context.Out;
        w.WriteLine("best prompt" + sim + ":");
        WritePrompt(w, r.BestPrompt);
        var fields = new List<(string, string)>
        {
            ("method", r.Method),
            ("task", outcome.Target),
            ("models", string.Join(", ", outcome.Models.Select(kv => $"{kv.Key}={kv.Value}")) + sim),
            ("test score", TestLine(r, outcome.Metric) + On(outcome) + sim),
            ("train score", $"{TextFormat.Score(r.BestTrainScore)} (start {TextFormat.Score(r.StartTrainScore)}){On(outcome)}{sim}"),
            ("candidates", TextFormat.Int(r.Candidates.Count)),
            ("stopped", r.StopReason),
        };
        if (outcome.Started?.Warning is { } warning)
        {
            fields.Add(("warning", warning));
        }

        var total = r.Usage.Total;
        if (outcome.Started is { } s)
        {
            fields.Add(("estimate", $"~{TextFormat.Int(s.EstimatedTaskCalls)} task + ~{TextFormat.Int(s.EstimatedOptimizerCalls)} optimizer calls (announced before the first call)"));
        }

        fields.Add(("calls", $"{TextFormat.Int(total.Calls)} ({TextFormat.Int(total.PaidCalls)} paid, {TextFormat.Int(total.CachedCalls)} cached)"));
        foreach (var (role, u) in r.Usage.ByRole.OrderBy(kv => Array.IndexOf(RoleOrder, kv.Key) is var i && i >= 0 ? i : RoleOrder.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            fields.Add(("  " + role, $"{TextFormat.Int(u.Calls)} ({TextFormat.Int(u.PaidCalls)} paid, {TextFormat.Int(u.CachedCalls)} cached)" + (role == ModelRoles.Test ? ", not charged to the budget" : string.Empty)));
        }

        AddAllAttempts(fields, outcome);
        fields.Add(("tokens", $"{TextFormat.Int(total.InputTokens)} in, {TextFormat.Int(total.OutputTokens)} out ({TextFormat.Int(total.PaidInputTokens + total.PaidOutputTokens)} paid)"));
        fields.Add(("cost", Dollars(total.EstimatedDollars) + " estimated"));
        fields.Add(("run", outcome.RunId + (outcome.Resumed ? " (resumed)" : string.Empty)));
        fields.Add(("store", outcome.StorePath));
        fields.Add(("artifact", outcome.ArtifactPath));
        fields.Add(("report", outcome.ReportPath));
        TextFormat.WriteFields(w, fields);

        // MetaSPO protocols: the unseen-generalization and test-time-adaptation tables, per domain and overall, as in the paper.
        foreach (var key in new[] { PromptOpt.Optimizers.MetaSpo.MetaSpoDetails.UnseenTable, PromptOpt.Optimizers.MetaSpo.MetaSpoDetails.TtaTable })
        {
            if (PromptOpt.Optimizers.MetaSpo.MetaSpoTable.FromJson(r.Details[key]) is { } table)
            {
                w.WriteLine();
                w.WriteLine(table.ToMarkdown() + sim);
            }
        }
    }

    /// <summary>Adds the usage of every attempt when the run was resumed (its own calls are then mostly cached; what every
    /// attempt paid is kept with the run).</summary>
    /// <param name="fields">The output fields.</param>
    /// <param name="outcome">The outcome.</param>
    internal static void AddAllAttempts(List<(string, string)> fields, OptimizeOutcome outcome)
    {
        if (outcome.AllAttempts is { Count: > 1 } attempts)
        {
            var all = Reporting.AttemptUsage.Total(attempts).Total;
            fields.Add(("all attempts", $"{TextFormat.Int(all.Calls)} calls ({TextFormat.Int(all.PaidCalls)} paid, {TextFormat.Int(all.CachedCalls)} cached) in {TextFormat.Int(attempts.Count)} attempts, {Dollars(all.EstimatedDollars)} estimated"));
        }
    }

    /// <summary>Builds the JSON object of the outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The object.</returns>
    public static JsonObject ToJson(OptimizeOutcome outcome)
    {
        var r = outcome.Result;
        var byRole = new JsonObject();
        foreach (var (role, u) in r.Usage.ByRole.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            byRole[role] = Usage(u);
        }

        var usage = Usage(r.Usage.Total);
        usage["byRole"] = byRole;
        if (outcome.AllAttempts is { Count: > 1 } attempts)
        {
            usage["allAttempts"] = Usage(Reporting.AttemptUsage.Total(attempts).Total);
            usage["attempts"] = attempts.Count;
        }

        var json = new JsonObject
        {
            ["command"] = "optimize",
            ["runId"] = outcome.RunId,
            ["method"] = r.Method,
            ["task"] = outcome.Target,
            ["metric"] = outcome.Metric,
            ["scoredTask"] = outcome.ScoredTask ?? outcome.Target,
            ["simulated"] = outcome.Simulated,
            ["models"] = new JsonObject(outcome.Models.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["seed"] = r.Seed,
            ["bestPrompt"] = PromptJson(r.BestPrompt),
            ["startPrompt"] = PromptJson(r.StartPrompt),
            ["scores"] = new JsonObject
            {
                ["train"] = r.BestTrainScore,
                ["startTrain"] = r.StartTrainScore,
                ["test"] = r.BestTestScore,
                ["startTest"] = r.StartTestScore,
            },
            ["candidates"] = r.Candidates.Count,
            ["stopReason"] = r.StopReason,
            ["estimate"] = outcome.Started is { } s
                ? new JsonObject { ["taskCalls"] = s.EstimatedTaskCalls, ["optimizerCalls"] = s.EstimatedOptimizerCalls }
                : null,
            ["warning"] = outcome.Started?.Warning,
            ["usage"] = usage,
            ["resumed"] = outcome.Resumed,
            ["store"] = outcome.StorePath,
            ["artifact"] = outcome.ArtifactPath,
            ["report"] = outcome.ReportPath,
        };

        // MetaSPO protocols: the same tables the text output prints (unseen-task generalization, test-time adaptation).
        foreach (var (key, name) in new[] { (PromptOpt.Optimizers.MetaSpo.MetaSpoDetails.UnseenTable, "unseenGeneralization"), (PromptOpt.Optimizers.MetaSpo.MetaSpoDetails.TtaTable, "testTimeAdaptation") })
        {
            if (PromptOpt.Optimizers.MetaSpo.MetaSpoTable.FromJson(r.Details[key]) is { } table)
            {
                json[name] = table.ToJson();
            }
        }

        return json;
    }

    private static readonly string[] RoleOrder = Reporting.RunReport.RoleOrder;

    private static string TestLine(OptimizationResult r, string metric)
    {
        if (r.BestTestScore is not { } best)
        {
            return "not measured";
        }

        if (r.StartTestScore is not { } start)
        {
            return $"{TextFormat.Score(best)} {metric}";
        }

        var delta = best - start;
        var sign = delta >= 0 ? "+" : "-";
        return $"{TextFormat.Score(best)} {metric} (start prompt {TextFormat.Score(start)}, {sign}{TextFormat.Score(Math.Abs(delta))})";
    }

    private static string On(OptimizeOutcome o) => o.ScoredTask is { } t ? $" on {t} (first source task)" : string.Empty;

    private static string Dollars(decimal d) => "$" + d.ToString("0.0000", CultureInfo.InvariantCulture);

    private static void WritePrompt(TextWriter w, Prompt prompt)
    {
        if (!string.IsNullOrWhiteSpace(prompt.System))
        {
            w.WriteLine("  [system]");
            foreach (var line in prompt.System.Split('\n'))
            {
                w.WriteLine("  " + line.TrimEnd('\r'));
            }

            w.WriteLine("  [user]");
        }

        foreach (var line in prompt.User.Split('\n'))
        {
            w.WriteLine("  " + line.TrimEnd('\r'));
        }
    }

    private static JsonObject PromptJson(Prompt p) => new() { ["system"] = p.System, ["user"] = p.User };

    private static JsonObject Usage(RoleUsage u) => new()
    {
        ["calls"] = u.Calls,
        ["paidCalls"] = u.PaidCalls,
        ["cacheHits"] = u.CachedCalls,
        ["inputTokens"] = u.InputTokens,
        ["outputTokens"] = u.OutputTokens,
        ["paidInputTokens"] = u.PaidInputTokens,
        ["paidOutputTokens"] = u.PaidOutputTokens,
        ["estimatedDollars"] = u.EstimatedDollars,
    };
}
