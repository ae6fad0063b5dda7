using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Prompts;
using Spectre.Console;

namespace PromptOpt.Cli.Rendering;

/// <summary>What <c>promptopt eval</c> reports.</summary>
/// <param name="Task">The task.</param>
/// <param name="Split">The split.</param>
/// <param name="Prompt">The evaluated prompt.</param>
/// <param name="Model">The task model.</param>
/// <param name="StorePath">The store path.</param>
/// <param name="RunId">The run id in the store.</param>
/// <param name="Result">The evaluation result.</param>
/// <param name="Usage">The task model's usage.</param>
/// <param name="FailuresShown">How many worst failures to show.</param>
internal sealed record EvalReport(
    TaskDefinition Task, DataSplit Split, Prompt Prompt, CliModel Model, string StorePath, string RunId, EvaluationResult Result, RoleUsage Usage, int FailuresShown)
{
    /// <summary>Gets the worst failures: errors first, then lowest score, then input order.</summary>
    public IReadOnlyList<ExampleResult> WorstFailures => Result.Results
        .Select((r, i) => (r, i))
        .Where(x => x.r.IsFailure)
        .OrderBy(x => x.r.Error is null ? 1 : 0).ThenBy(x => x.r.Score).ThenBy(x => x.i)
        .Take(FailuresShown)
        .Select(x => x.r)
        .ToList();
}

/// <summary>Renders an <see cref="EvalReport"/> as JSON, a terminal grid, or plain lines.</summary>
internal static class EvalOutput
{
    /// <summary>Writes the report to stdout.</summary>
    /// <param name="context">The context.</param>
    /// <param name="report">The report.</param>
    /// <param name="json">Whether to write JSON.</param>
    /// <param name="gate">The CI gate's verdict as JSON (<c>"gate"</c> in the JSON output), or <see langword="null"/> when no gate is set.</param>
    public static void Write(CliContext context, EvalReport report, bool json, JsonObject? gate = null)
    {
        if (json)
        {
            var obj = ToJson(report);
            if (gate is not null)
            {
                obj["gate"] = gate;
            }

            JsonOutput.Write(context.Out, obj);
            return;
        }

        var r = report.Result;
        string sim = report.Model.Simulated ? " (simulated)" : string.Empty;
        var usage = report.Usage;
        var fields = new List<(string, string)>
        {
            ("task", $"{report.Task.Name} ({report.Split.ToString().ToLowerInvariant()} split)"),
            ("model", report.Model.Spec + sim),
            ("score", $"{TextFormat.Score(r.Score)} {report.Task.Metric.Name}{sim}"),
            ("n", TextFormat.Int(r.Results.Count) + (r.Errors > 0 ? $" ({TextFormat.Int(r.Errors)} errors)" : string.Empty)),
            ("calls", $"{TextFormat.Int(usage.Calls)} ({TextFormat.Int(usage.PaidCalls)} paid, {TextFormat.Int(usage.CachedCalls)} cache hits); {TextFormat.Int(usage.Retries)} retries"),
            ("tokens", $"{TextFormat.Int(usage.InputTokens)} in, {TextFormat.Int(usage.OutputTokens)} out"),
            ("run", report.RunId),
            ("store", report.StorePath),
        };

        if (context.OutputIsTerminal)
        {
            var grid = new Grid().AddColumn().AddColumn();
            foreach (var (label, value) in fields)
            {
                grid.AddRow(new Markup($"[bold]{Markup.Escape(label)}[/]"), new Text(value));
            }

            context.OutConsole.Write(grid);
        }
        else
        {
            TextFormat.WriteFields(context.Out, fields);
        }

        var worst = report.WorstFailures;
        if (worst.Count > 0)
        {
            context.Out.WriteLine($"worst failures ({TextFormat.Int(worst.Count)} of {TextFormat.Int(r.Failures.Count)}):");
            foreach (var f in worst)
            {
                context.Out.WriteLine($"  [{f.Example.Id}] {TextFormat.Excerpt(f.Example.Input)}");
                context.Out.WriteLine($"      expected: {TextFormat.Excerpt(f.Example.Target, 60)}");
                context.Out.WriteLine(f.Error is null
                    ? $"      got:      {TextFormat.Excerpt(f.Prediction ?? f.Response, 60)}{sim}"
                    : $"      error:    {TextFormat.Excerpt(f.Error, 100)}");
            }
        }
    }

    /// <summary>Builds the JSON object of the report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The object.</returns>
    public static JsonObject ToJson(EvalReport report)
    {
        var r = report.Result;
        var u = report.Usage;
        var failures = new JsonArray();
        foreach (var f in report.WorstFailures)
        {
            failures.Add(new JsonObject
            {
                ["id"] = f.Example.Id,
                ["input"] = TextFormat.Excerpt(f.Example.Input, 200),
                ["expected"] = f.Example.Target,
                ["got"] = f.Prediction,
                ["response"] = f.Response is null ? null : TextFormat.Excerpt(f.Response, 200),
                ["score"] = f.Score,
                ["error"] = f.Error,
            });
        }

        return new JsonObject
        {
            ["command"] = "eval",
            ["task"] = report.Task.Name,
            ["split"] = report.Split.ToString().ToLowerInvariant(),
            ["metric"] = report.Task.Metric.Name,
            ["model"] = report.Model.Spec,
            ["simulated"] = report.Model.Simulated,
            ["score"] = r.Score,
            ["n"] = r.Results.Count,
            ["errors"] = r.Errors,
            ["failures"] = r.Failures.Count,
            ["usage"] = new JsonObject
            {
                ["calls"] = u.Calls,
                ["paidCalls"] = u.PaidCalls,
                ["cacheHits"] = u.CachedCalls,
                ["retries"] = u.Retries,
                ["inputTokens"] = u.InputTokens,
                ["outputTokens"] = u.OutputTokens,
                ["estimatedDollars"] = u.EstimatedDollars,
            },
            ["prompt"] = new JsonObject { ["system"] = report.Prompt.System, ["user"] = report.Prompt.User },
            ["worstFailures"] = failures,
            ["runId"] = report.RunId,
            ["store"] = report.StorePath,
        };
    }
}
