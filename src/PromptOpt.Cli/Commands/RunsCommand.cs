using System.CommandLine;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;

namespace PromptOpt.Cli.Commands;

/// <summary><c>promptopt runs</c>: the runs recorded in the store, newest first.</summary>
internal static class RunsCommand
{
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
            DefaultValueFactory = _ => 20,
        }.AtLeast(1);
        var command = new Command("runs", "List the runs recorded in the store (id, status, method, task, score, calls).")
        {
            store, limit, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), token =>
            RunAsync(context, parse.GetValue(store), parse.GetValue(limit), parse.GetValue(json), token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? storeArg, int limit, bool json, CancellationToken cancellationToken)
    {
        using var store = context.OpenStore(storeArg);
        var runs = await context.ListRunsAsync(store, limit, cancellationToken);
        if (json)
        {
            var array = new JsonArray();
            foreach (var r in runs)
            {
                array.Add(r.ToJson());
            }

            JsonOutput.Write(context.Out, new JsonObject { ["store"] = store.Path, ["runs"] = array });
            return ExitCodes.Ok;
        }

        if (runs.Count == 0)
        {
            context.Out.WriteLine($"no runs in {store.Path}");
            return ExitCodes.Ok;
        }

        foreach (var r in runs)
        {
            context.Out.WriteLine(r.ToLine());
        }

        return ExitCodes.Ok;
    }
}
