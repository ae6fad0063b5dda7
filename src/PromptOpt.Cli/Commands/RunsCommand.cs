using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
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
        var command = new Command("runs", "List the runs recorded in the store, newest first: id, method, status, task, best score, last update.")
        {
            store, limit, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), token =>
            RunAsync(context, parse.GetValue(store), parse.GetValue(limit), parse.GetValue(json), token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? storeArg, int limit, bool json, CancellationToken cancellationToken)
    {
        var path = StorePaths.Resolve(storeArg, context.Environment, context.WorkingDirectory);
        if (!File.Exists(path))
        {
            // Listing must not create a store as a side effect.
            return Empty(context, path, json);
        }

        using var store = context.OpenStore(path);
        var runs = await CliContext.ListRunsAsync(store, limit, cancellationToken);
        if (json)
        {
            var array = new JsonArray();
            foreach (var (run, record) in runs)
            {
                array.Add(new JsonObject
                {
                    ["id"] = run.RunId,
                    ["method"] = run.Method,
                    ["status"] = run.Status.ToString().ToLowerInvariant(),
                    ["task"] = TaskOf(record),
                    ["bestScore"] = run.BestScore,
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
                TaskOf(record) ?? "-",
                run.BestScore is { } s ? TextFormat.Score(s) : "-",
                models,
                run.UpdatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        }

        return ExitCodes.Ok;
    }

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

    // The task a run names in its spec ("task" for eval and single-task methods; "env" for EXPO; "tasks" for multi-task ones).
    private static string? TaskOf(RunRecord? record)
    {
        if (record is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(record.SpecJson);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("task", out var t) && t.ValueKind == JsonValueKind.String)
            {
                return t.GetString();
            }

            if (root.TryGetProperty("env", out var env) && env.ValueKind == JsonValueKind.String)
            {
                return env.GetString(); // EXPO methods: the environment
            }

            return root.TryGetProperty("tasks", out var ts) && ts.ValueKind == JsonValueKind.Array
                ? string.Join(",", ts.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
