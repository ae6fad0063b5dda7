using System.Text.Json;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Reporting;
using PromptOpt.Storage;

namespace PromptOpt.Cli.Rendering;

/// <summary>The report formats of <c>promptopt report</c>.</summary>
internal enum ReportFormat
{
    /// <summary>A self-contained HTML page.</summary>
    Html,

    /// <summary>Markdown.</summary>
    Md,
}

/// <summary>
/// Where runs' files go (<c>artifacts/</c> and <c>reports/</c> next to the store, e.g. <c>.promptopt/reports/&lt;run-id&gt;.html</c>)
/// and how a report is built from a stored run: <see cref="RunReportLoader.LoadAsync"/> with the best prompt's test
/// evaluation as the failures, re-read from the response cache only (never paid again).
/// </summary>
internal static class RunReportFiles
{
    /// <summary>Gets the artifact path of a run.</summary>
    /// <param name="storePath">The store file.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>The path.</returns>
    public static string ArtifactPath(string storePath, string runId) => Path.Combine(StoreDirectory(storePath), "artifacts", runId + ".json");

    /// <summary>Gets the default report path of a run.</summary>
    /// <param name="storePath">The store file.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="format">The format.</param>
    /// <returns>The path.</returns>
    public static string ReportPath(string storePath, string runId, ReportFormat format) =>
        Path.Combine(StoreDirectory(storePath), "reports", runId + (format == ReportFormat.Html ? ".html" : ".md"));

    /// <summary>Checks that <paramref name="run"/> is a finished optimization run that has a report.</summary>
    /// <param name="run">The run, or <see langword="null"/> when not found.</param>
    /// <param name="runId">The requested id.</param>
    /// <returns>The run.</returns>
    /// <exception cref="PromptOptInputException">No such run, an <c>eval</c> run, or an unfinished run.</exception>
    public static RunRecord RequireReportable(RunRecord? run, string runId)
    {
        if (run is null)
        {
            throw new PromptOptInputException($"run '{runId}' not found in the store (list runs with: promptopt runs)");
        }

        if (string.Equals(run.Method, "eval", StringComparison.Ordinal))
        {
            throw new PromptOptInputException($"run '{runId}' is an eval run; reports are for optimization runs (promptopt optimize), and 'promptopt eval' prints its own results");
        }

        if (run.Status != RunStatus.Completed || run.ResultJson is null)
        {
            throw new PromptOptInputException(
                $"run '{runId}' is unfinished (status: {run.Status.ToString().ToLowerInvariant()}); run the same 'promptopt optimize' command again (same --run-id) to resume it, then report");
        }

        return run;
    }

    /// <summary>
    /// Builds the report of a finished run. The failures are the best prompt's test evaluation, re-read from the response
    /// cache (free) — for MetaSPO, on the first source task, whose scores the result carries; when that is impossible (a
    /// model that cannot be built here, an environment run, responses not cached)
    /// the report says no failures were recorded.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="store">The store.</param>
    /// <param name="run">The run.</param>
    /// <param name="task">The run's task when the caller has it, else it is resolved again from the spec.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The report.</returns>
    public static async Task<RunReport> LoadAsync(CliContext context, PromptOptStore store, RunRecord run, TaskDefinition? task, CancellationToken cancellationToken)
    {
        var report = await RunReportLoader.LoadAsync(store, run.RunId, null, cancellationToken);
        var failures = await TestFailuresAsync(context, store, run, report.Result, task, cancellationToken);
        return report with { Failures = failures, Simulated = IsSimulated(run) };
    }

    /// <summary>Writes the report file, creating its directory.</summary>
    /// <param name="report">The report.</param>
    /// <param name="path">The file.</param>
    /// <param name="format">The format.</param>
    public static void Write(RunReport report, string path, ReportFormat format)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, format == ReportFormat.Html ? ReportWriter.WriteHtml(report) : ReportWriter.WriteMarkdown(report));
    }

    /// <summary>Gets the run spec JSON that <c>optimize</c> stored, or an empty object.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The spec.</returns>
    public static JsonObject SpecOf(RunRecord run)
    {
        try
        {
            return JsonNode.Parse(run.SpecJson) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static bool IsSimulated(RunRecord run)
    {
        try
        {
            return JsonNode.Parse(run.ResultJson ?? "{}") is JsonObject o && o[RunRecorder.SimulatedProperty] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<IReadOnlyList<ExampleResult>?> TestFailuresAsync(
        CliContext context, PromptOptStore store, RunRecord run, OptimizationResult result, TaskDefinition? task, CancellationToken cancellationToken)
    {
        var spec = SpecOf(run);
        if (spec[RunSpecKeys.Environment] is not null || result.BestTestScore is null
            || !run.Models.TryGetValue(ModelRoles.Task, out var modelSpec))
        {
            return null;
        }

        try
        {
            if (task is null && spec[RunSpecKeys.Suite]?.GetValue<string>() is { } suite)
            {
                // MetaSPO: the result's scores are the first source task's.
                task = TaskSuiteLoader.Load(suite).Resolve(run.Seed).Source[0];
            }
            else if (task is null)
            {
                if (spec[RunSpecKeys.Task]?.GetValue<string>() is not { } taskArg)
                {
                    return null;
                }

                task = context.ResolveTask(taskArg, run.Seed);
            }

            var model = CacheOnlyChatClient.TryCreate(context, modelSpec, store, run.Seed, [task]);
            if (model is null)
            {
                return null;
            }

            IReadOnlyList<Example> tests = task.Dataset.Test;
            if (spec[RunSpecKeys.TestSize] is JsonValue size && size.TryGetValue<int>(out var n))
            {
                tests = tests.Take(n).ToList();
            }

            // The same options as OptimizationSession.TestScoreAsync (the test role), so every request is a cache hit.
            var options = new EvaluationOptions { Role = ModelRoles.Test };
            var evaluation = await Evaluator.EvaluateAsync(model, result.BestPrompt, tests, task.Metric, options, cancellationToken);
            return evaluation.Errors > 0 ? null : evaluation.Results;
        }
        catch (Exception ex) when (ex is PromptOptInputException or EvaluationAbortedException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string StoreDirectory(string storePath) => Path.GetDirectoryName(Path.GetFullPath(storePath)) ?? ".";
}
