using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PromptOpt.Cli.Commands;

/// <summary>
/// The CI gate of <c>promptopt eval</c>: <c>--fail-under S</c> (the score must be at least S) and <c>--baseline @file
/// --max-drop D</c> (the score must not fall more than D below a baseline's). A failed gate exits with
/// <see cref="ExitCodes.Regression"/> (3) and one line on stderr saying what regressed; the evaluation itself is reported as
/// usual (and recorded) first. All gate inputs are validated before any model call (bad input: exit code 2).
/// </summary>
/// <param name="FailUnder">The least acceptable score, or <see langword="null"/>.</param>
/// <param name="Baseline">The baseline, or <see langword="null"/>.</param>
/// <param name="MaxDrop">The largest acceptable drop below the baseline.</param>
internal sealed record EvalGate(double? FailUnder, EvalBaseline? Baseline, double MaxDrop)
{
    // Scores are means of per-example scores: compare with a little slack so 0.8 is not "under" 0.8000000000000002.
    private const double Slack = 1e-9;

    /// <summary>Gets whether any gate is set.</summary>
    public bool IsSet => FailUnder is not null || Baseline is not null;

    /// <summary>Validates the options and reads the baseline.</summary>
    /// <param name="context">The context (paths).</param>
    /// <param name="failUnder">The <c>--fail-under</c> value.</param>
    /// <param name="baseline">The <c>--baseline</c> value (<c>@file</c> or a number).</param>
    /// <param name="maxDrop">The <c>--max-drop</c> value.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="PromptOptInputException">A value is out of range, the baseline unreadable, or --max-drop given alone.</exception>
    public static EvalGate Parse(CliContext context, double? failUnder, string? baseline, double? maxDrop)
    {
        if (failUnder is { } f && (double.IsNaN(f) || f < 0 || f > 1))
        {
            throw new PromptOptInputException(string.Create(CultureInfo.InvariantCulture, $"--fail-under must be a score between 0 and 1, got {f}"));
        }

        if (maxDrop is { } d && (double.IsNaN(d) || d < 0 || d > 1))
        {
            throw new PromptOptInputException(string.Create(CultureInfo.InvariantCulture, $"--max-drop must be between 0 and 1, got {d}"));
        }

        if (maxDrop is not null && baseline is null)
        {
            throw new PromptOptInputException("--max-drop needs --baseline @file (the eval --json output or prompt artifact to compare with)");
        }

        return new EvalGate(failUnder, baseline is null ? null : EvalBaseline.Read(context, baseline), maxDrop ?? 0);
    }

    /// <summary>Checks that the baseline was scored like this eval (same task and metric, when it says).</summary>
    /// <param name="task">The task name.</param>
    /// <param name="metric">The metric name.</param>
    /// <exception cref="PromptOptInputException">The baseline names another task or metric.</exception>
    public void CheckComparable(string task, string metric)
    {
        if (Baseline is { } b)
        {
            if (b.Task is { } t && !string.Equals(t, task, StringComparison.Ordinal))
            {
                throw new PromptOptInputException($"--baseline {b.Source} was scored on task '{t}', not '{task}': compare like with like");
            }

            if (b.Metric is { } m && !string.Equals(m, metric, StringComparison.Ordinal))
            {
                throw new PromptOptInputException($"--baseline {b.Source} was scored with metric '{m}', not '{metric}': give --metric {m} or a matching baseline");
            }
        }
    }

    /// <summary>Judges a score.</summary>
    /// <param name="score">The score.</param>
    /// <param name="metric">The metric name (for the message).</param>
    /// <returns>The one line saying what regressed, or <see langword="null"/> when the gate passes.</returns>
    public string? Judge(double score, string metric)
    {
        var problems = new List<string>();
        if (FailUnder is { } f && score < f - Slack)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{metric} {score:0.000} is under --fail-under {f:0.000}"));
        }

        if (Baseline is { } b && b.Score - score > MaxDrop + Slack)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{metric} {score:0.000} dropped {b.Score - score:0.000} below the baseline {b.Score:0.000} ({b.Source}; --max-drop {MaxDrop:0.000})"));
        }

        return problems.Count == 0 ? null : "regression: " + string.Join("; ", problems);
    }

    /// <summary>Gets the gate as JSON for <c>--json</c> output.</summary>
    /// <param name="verdict">The line from <see cref="Judge"/>.</param>
    /// <returns>The object.</returns>
    public JsonObject ToJson(string? verdict) => new()
    {
        ["passed"] = verdict is null,
        ["failUnder"] = FailUnder,
        ["baseline"] = Baseline?.Score,
        ["baselineSource"] = Baseline?.Source,
        ["maxDrop"] = Baseline is null ? null : MaxDrop,
        ["reason"] = verdict,
    };
}

/// <summary>A baseline score: from a number, an <c>eval --json</c> output, or a saved prompt artifact (its test score).</summary>
/// <param name="Score">The score.</param>
/// <param name="Task">The task it was scored on, when the file says.</param>
/// <param name="Metric">The metric it was scored with, when the file says.</param>
/// <param name="Source">Where it came from, for messages.</param>
internal sealed record EvalBaseline(double Score, string? Task, string? Metric, string Source)
{
    /// <summary>Reads <c>--baseline</c>.</summary>
    /// <param name="context">The context.</param>
    /// <param name="value">A score (e.g. <c>0.83</c>) or <c>@file</c>.</param>
    /// <returns>The baseline.</returns>
    /// <exception cref="PromptOptInputException">The file is missing, not JSON, or holds no score.</exception>
    public static EvalBaseline Read(CliContext context, string value)
    {
        if (!value.StartsWith('@'))
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s is >= 0 and <= 1
                ? new EvalBaseline(s, null, null, value)
                : throw new PromptOptInputException($"--baseline expects @file (an eval --json output or a prompt artifact) or a score between 0 and 1, got '{value}'");
        }

        var name = value[1..];
        var path = context.ResolvePath(name);
        if (name.Length == 0 || !File.Exists(path))
        {
            throw new PromptOptInputException($"--baseline: file not found: {name}");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new PromptOptInputException($"--baseline {name}: not a readable JSON file ({ex.Message.ReplaceLineEndings(" ")})");
        }

        // An eval --json output has "score"; a saved prompt artifact has "scores": {"test": …}.
        var score = root?["score"] ?? root?["scores"]?["test"];
        if (score is not JsonValue v || !v.TryGetValue<double>(out var baseline) || baseline is < 0 or > 1)
        {
            throw new PromptOptInputException($"--baseline {name}: no score in it (expected an eval --json output with \"score\" or a prompt artifact with \"scores\": {{\"test\": …}})");
        }

        return new EvalBaseline(baseline, Text(root!["task"]), Text(root["metric"]), name);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
