using System.CommandLine;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
using PromptOpt.Storage;

namespace PromptOpt.Cli.Commands;

/// <summary><c>promptopt report &lt;run-id&gt;</c>: write the HTML (or Markdown) report of a finished optimization run.</summary>
internal static class ReportCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var runId = new Argument<string>("run-id") { Description = "The run (see 'promptopt runs')." };
        var output = new Option<string?>("--out")
        {
            Description = "The output file. Default: reports/<run-id>.html (or .md) next to the store, e.g. .promptopt/reports/.",
            HelpName = "file",
        };
        var format = new Option<string>("--format")
        {
            Description = "html: one self-contained page (inline CSS and SVG charts, no scripts or network); md: Markdown.",
            HelpName = "html|md",
            DefaultValueFactory = _ => "html",
        };
        format.AcceptOnlyFromAmong("html", "md");
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var command = new Command("report", "Write the report of a finished optimization run: summary, prompts, score trajectory, candidates, " +
            "worst test failures of the best prompt (re-read from the cache, free), usage, the method's own charts and the spec.")
        {
            runId, output, format, store, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), token =>
            RunAsync(context, parse.GetValue(runId)!, parse.GetValue(output), parse.GetValue(format) == "md" ? ReportFormat.Md : ReportFormat.Html,
                parse.GetValue(store), parse.GetValue(json), token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string runId, string? output, ReportFormat format, string? storeArg, bool json, CancellationToken cancellationToken)
    {
        RunIds.Validate(runId);
        var storePath = context.ResolveStorePath(storeArg);
        if (!File.Exists(storePath))
        {
            // Reporting must not create a store as a side effect.
            throw new PromptOptInputException($"no store at {storePath}, so no run '{runId}' (run 'promptopt optimize' first, or give --store)");
        }

        using var store = context.OpenStoreForReading(storePath); // a report only reads the store (it writes the report file)
        var run = RunReportFiles.RequireReportable(await store.GetRunAsync(runId, cancellationToken), runId);
        var report = await RunReportFiles.LoadAsync(context, store, run, null, cancellationToken);
        var path = output is null ? RunReportFiles.ReportPath(store.Path, runId, format) : context.ResolvePath(output);
        try
        {
            RunReportFiles.Write(report, path, format);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PromptOptInputException($"cannot write the report to {path}: {ex.Message}", ex);
        }

        if (json)
        {
            JsonOutput.Write(context.Out, new JsonObject
            {
                ["command"] = "report",
                ["runId"] = runId,
                ["method"] = report.Method,
                ["format"] = format.ToString().ToLowerInvariant(),
                ["simulated"] = report.IsSimulated,
                ["failuresIncluded"] = report.Failures is not null,
                ["path"] = path,
            });
        }
        else
        {
            context.Out.WriteLine($"report{(report.IsSimulated ? " (simulated)" : string.Empty)}: {path}");
        }

        return ExitCodes.Ok;
    }
}
