using System.Text.Json;
using System.Text.Json.Nodes;
using PromptOpt.Evaluation;
using PromptOpt.Optimizers;
using PromptOpt.Storage;

namespace PromptOpt.Reporting;

/// <summary>
/// Builds a <see cref="RunReport"/> from a run in an <see cref="IRunStore"/>: its method, seed, models, spec and creation
/// time from the run record, and the <see cref="OptimizationResult"/> from its result JSON. The result JSON is the
/// result serialized with <see cref="ResultJsonOptions"/> (<see cref="ToResultJson"/>); property names are matched
/// case-insensitively, so PascalCase JSON reads too.
/// </summary>
public static class RunReportLoader
{
    /// <summary>Gets the JSON options results are stored with (web defaults: camelCase, case-insensitive reading).</summary>
    public static JsonSerializerOptions ResultJsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Serializes a result the way <see cref="LoadAsync"/> reads it (for <see cref="IRunStore.SaveResultAsync"/>).</summary>
    /// <param name="result">The result.</param>
    /// <returns>The JSON.</returns>
    public static string ToResultJson(OptimizationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return JsonSerializer.Serialize(result, ResultJsonOptions);
    }

    /// <summary>Loads a finished run as a report.</summary>
    /// <param name="store">The run store.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="failures">Per-example results to show as failures (e.g. the best prompt's test evaluation), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The report.</returns>
    /// <exception cref="PromptOptInputException">No such run, the run has no result yet, or its result JSON cannot be read.</exception>
    public static async Task<RunReport> LoadAsync(IRunStore store, string runId, IReadOnlyList<ExampleResult>? failures = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runId);
        var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new PromptOptInputException($"run '{runId}' not found in the store (list runs with: promptopt runs)");
        if (run.ResultJson is null)
        {
            throw new PromptOptInputException($"run '{runId}' has no result yet (status: {run.Status.ToString().ToLowerInvariant()}); run it again with the same id to resume it");
        }

        OptimizationResult? result;
        try
        {
            result = JsonSerializer.Deserialize<OptimizationResult>(run.ResultJson, ResultJsonOptions);
        }
        catch (JsonException ex)
        {
            throw new PromptOptInputException($"run '{runId}': the stored result is not a readable result ({ex.Message})", ex);
        }

        if (result is null)
        {
            throw new PromptOptInputException($"run '{runId}': the stored result is empty");
        }

        var attempts = await store.GetAttemptsAsync(runId, cancellationToken).ConfigureAwait(false);
        var report = new RunReport
        {
            RunId = run.RunId,
            Result = result,
            Method = run.Method,
            Seed = run.Seed,
            SpecText = PrettySpec(run.SpecJson),
            CreatedAt = run.CreatedAt,
            Failures = failures,
            TaskName = TaskOf(run.SpecJson),
            Attempts = attempts.Select(a => new AttemptUsage(a.Attempt, a.StartedAt, a.Status, RunRecorder.ReadUsage(a))).ToList(),
        };
        return run.Models.Count > 0 ? report with { Models = run.Models } : report;
    }

    /// <summary>
    /// Gets the task a run names in its spec JSON: <c>task</c> (eval and single-task methods; a dataset path is shown by
    /// its name), <c>env</c> (EXPO), <c>suite</c> (MetaSPO, by file name) or <c>tasks</c>; <see langword="null"/> when none.
    /// </summary>
    /// <param name="specJson">The stored spec JSON.</param>
    /// <returns>The task's display name, or <see langword="null"/>.</returns>
    public static string? TaskOf(string? specJson)
    {
        if (string.IsNullOrWhiteSpace(specJson))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(specJson);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var key in new[] { "task", "env" })
            {
                if (root.TryGetProperty(key, out var t) && t.ValueKind == JsonValueKind.String)
                {
                    return t.GetString();
                }
            }

            if (root.TryGetProperty("suite", out var suite) && suite.ValueKind == JsonValueKind.String)
            {
                return "suite " + Path.GetFileNameWithoutExtension(suite.GetString());
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

    /// <summary>Indents the stored spec JSON for reading (other text is returned as is).</summary>
    private static string? PrettySpec(string? specJson)
    {
        if (string.IsNullOrWhiteSpace(specJson))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(specJson)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        catch (JsonException)
        {
            return specJson;
        }
    }
}
