using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
using PromptOpt.Models;
using PromptOpt.Reporting;
using PromptOpt.Storage;

namespace PromptOpt.Cli.Commands;

/// <summary><c>promptopt runs</c>: the runs recorded in the store, newest first.</summary>
internal static class RunsCommand
{
    /// <summary>The default number of runs listed.</summary>
    public const int DefaultLimit = 20;

    /// <summary>Creates the command.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var limit = new Option<int>("--limit")
        {
            Description = "Show at most N runs, newest first.",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultLimit,
        }.AtLeast(1);
        var command = new Command("runs", "List the runs recorded in the store, newest first: id, method, status, task, best score, calls over all attempts (paid), models, last update. Reads the store only (works read-only).")
        {
            store, limit, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), token =>
            RunAsync(context, parse.GetValue(store), parse.GetValue(limit), parse.GetValue(json), token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? storeArg, int limit, bool json, CancellationToken cancellationToken)
    {
        var path = context.ResolveStorePath(storeArg);
        if (!File.Exists(path))
        {
            // Listing must not create a store as a side effect.
            return Empty(context, path, json);
        }

        using var store = context.OpenStoreForReading(path); // never writes: works on a read-only store
        var runs = await CliContext.ListRunsAsync(store, limit, cancellationToken);
        var usage = new Dictionary<string, (int Attempts, RoleUsage Total)>(StringComparer.Ordinal);
        foreach (var (run, _) in runs)
        {
            var attempts = await store.GetAttemptsAsync(run.RunId, cancellationToken);
            usage[run.RunId] = (attempts.Count, AttemptUsage.Total(attempts.Select(a => new AttemptUsage(a.Attempt, a.StartedAt, a.Status, RunRecorder.ReadUsage(a)))).Total);
        }

        if (json)
        {
            var array = new JsonArray();
            foreach (var (run, record) in runs)
            {
                var (attempts, total) = usage[run.RunId];
                array.Add(new JsonObject
                {
                    ["id"] = run.RunId,
                    ["method"] = run.Method,
                    ["status"] = run.Status.ToString().ToLowerInvariant(),
                    ["task"] = (record is null ? null : RunReportLoader.TaskOf(record.SpecJson)),
                    ["bestScore"] = BestScore(run, record),
                    ["attempts"] = attempts,
                    ["usage"] = new JsonObject
                    {
                        ["calls"] = total.Calls,
                        ["paidCalls"] = total.PaidCalls,
                        ["cachedCalls"] = total.CachedCalls,
                        ["retries"] = total.Retries,
                        ["estimatedDollars"] = total.EstimatedDollars,
                    },
                    ["models"] = record is null ? null : new JsonObject(record.Models.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                    ["createdAt"] = run.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["updatedAt"] = run.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
                });
            }

            JsonOutput.Write(context.Out, new JsonObject { ["store"] = store.Path, ["runs"] = array });
            return ExitCodes.Ok;
        }

        if (runs.Count == 0)
        {
            return Empty(context, store.Path, json: false);
        }

        foreach (var (run, record) in runs)
        {
            var models = record is null ? string.Empty : string.Join(",", record.Models.Select(kv => $"{kv.Key}={kv.Value}"));
            context.Out.WriteLine(string.Join('\t',
                run.RunId,
                run.Method,
                run.Status.ToString().ToLowerInvariant(),
                (record is null ? null : RunReportLoader.TaskOf(record.SpecJson)) ?? "-",
                BestScore(run, record) is { } s ? TextFormat.Score(s) : "-",
                CallsText(usage[run.RunId]),
                models,
                run.UpdatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        }

        return ExitCodes.Ok;
    }

    // The run's own best score (the result's best training score, what its report shows); the highest candidate score
    // only for a run without a result (MetaSPO's and EXPO's candidates score other things: per-task prompts, arms' rewards).
    private static double? BestScore(RunSummary run, RunRecord? record)
    {
        if (record?.ResultJson is { } result && run.Method != "eval")
        {
            try
            {
                using var doc = JsonDocument.Parse(result);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("bestTrainScore", out var best)
                    && best.ValueKind == JsonValueKind.Number)
                {
                    return best.GetDouble();
                }
            }
            catch (JsonException)
            {
                // fall back to the candidates
            }
        }

        return run.BestScore;
    }

    // Usage over every attempt: "908 calls (454 paid) in 2 attempts".
    private static string CallsText((int Attempts, RoleUsage Total) u) =>
        u.Attempts == 0 ? "-" : $"{TextFormat.Int(u.Total.Calls)} calls ({TextFormat.Int(u.Total.PaidCalls)} paid){(u.Attempts > 1 ? $" in {TextFormat.Int(u.Attempts)} attempts" : string.Empty)}";

    private static int Empty(CliContext context, string path, bool json)
    {
        if (json)
        {
            JsonOutput.Write(context.Out, new JsonObject { ["store"] = path, ["runs"] = new JsonArray() });
        }
        else
        {
            context.Out.WriteLine($"no runs in {path}");
        }

        return ExitCodes.Ok;
    }
}
