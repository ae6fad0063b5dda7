using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PromptOpt.Telemetry;

/// <summary>
/// PromptOpt's tracing and metrics, on System.Diagnostics only (no package): one <see cref="ActivitySource"/> and one
/// <see cref="Meter"/>, both named <c>PromptOpt</c>. Listen with OpenTelemetry (<c>AddSource("PromptOpt")</c>,
/// <c>AddMeter("PromptOpt")</c>), <c>dotnet-counters</c>, or an <see cref="ActivityListener"/>. When nothing listens,
/// the helpers return <see langword="null"/> spans and cost next to nothing.
/// </summary>
/// <remarks>
/// Spans: <c>optimize {method}</c> (<see cref="StartRun"/>) ⊃ <c>step {n}</c> (<see cref="StartStep"/>) ⊃
/// <c>evaluate</c> (<see cref="StartEvaluation"/>) ⊃ <c>chat {model}</c> (one per model call: Microsoft.Extensions.AI's
/// <c>OpenTelemetryChatClient</c> on this source, with PromptOpt's attributes added by
/// <see cref="Models.PromptOptTelemetryChatClient"/>). Counters: <c>promptopt.calls</c>, <c>promptopt.tokens</c> (tag
/// <c>gen_ai.token.type</c> = <c>input</c>|<c>output</c>), <c>promptopt.cache_hits</c>, <c>promptopt.retries</c>; the standard
/// histograms <c>gen_ai.client.operation.duration</c> and <c>gen_ai.client.token.usage</c> come from the OpenTelemetry client.
/// </remarks>
public static class PromptOptTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>PromptOpt</c>.</summary>
    public const string Name = PromptOptInfo.TelemetryName;

    /// <summary>Gets the activity source.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, PromptOptInfo.Version);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name, PromptOptInfo.Version);

    /// <summary>Gets the counter of model calls (paid and cached), tagged with role, operation, model and cache hit.</summary>
    internal static Counter<long> Calls { get; } = Meter.CreateCounter<long>("promptopt.calls", "{call}", "Model calls, paid and cached.");

    /// <summary>Gets the counter of tokens, tagged with <c>gen_ai.token.type</c>, role and model.</summary>
    internal static Counter<long> Tokens { get; } = Meter.CreateCounter<long>("promptopt.tokens", "{token}", "Tokens of model calls (cached calls carry their original usage).");

    /// <summary>Gets the counter of responses served from the response cache.</summary>
    internal static Counter<long> CacheHits { get; } = Meter.CreateCounter<long>("promptopt.cache_hits", "{call}", "Model calls answered from the response cache.");

    /// <summary>Gets the counter of retries made by the resilience middleware.</summary>
    internal static Counter<long> Retries { get; } = Meter.CreateCounter<long>("promptopt.retries", "{retry}", "Retries of failed model calls.");

    /// <summary>Starts the span of a whole optimization run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="method">The method name.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The span, or <see langword="null"/> when nothing listens. Dispose it when the run ends.</returns>
    public static Activity? StartRun(string runId, string method, int seed)
    {
        var a = ActivitySource.StartActivity("optimize " + method, ActivityKind.Internal);
        a?.SetTag(TelemetryAttributes.RunId, runId).SetTag(TelemetryAttributes.Method, method).SetTag(TelemetryAttributes.Seed, seed);
        return a;
    }

    /// <summary>Starts the span of one optimization step.</summary>
    /// <param name="step">The 1-based step.</param>
    /// <param name="totalSteps">The planned number of steps, or <see langword="null"/>.</param>
    /// <param name="detail">What the step does, or <see langword="null"/>.</param>
    /// <returns>The span, or <see langword="null"/> when nothing listens.</returns>
    public static Activity? StartStep(int step, int? totalSteps = null, string? detail = null)
    {
        var a = ActivitySource.StartActivity("step " + step.ToString(System.Globalization.CultureInfo.InvariantCulture), ActivityKind.Internal);
        a?.SetTag(TelemetryAttributes.Step, step).SetTag(TelemetryAttributes.TotalSteps, totalSteps).SetTag(TelemetryAttributes.StepDetail, detail);
        return a;
    }

    /// <summary>Starts the span of one evaluation of a prompt on a set of examples.</summary>
    /// <param name="examples">The number of examples.</param>
    /// <param name="set">Which set (<c>train</c>, <c>test</c>, <c>failures</c>), or <see langword="null"/>.</param>
    /// <param name="role">The role the calls are made under, or <see langword="null"/>.</param>
    /// <returns>The span, or <see langword="null"/> when nothing listens. Finish it with <see cref="RecordEvaluation"/>.</returns>
    public static Activity? StartEvaluation(int examples, string? set = null, string? role = null)
    {
        var a = ActivitySource.StartActivity("evaluate", ActivityKind.Internal);
        a?.SetTag(TelemetryAttributes.Examples, examples).SetTag(TelemetryAttributes.EvalSet, set).SetTag(TelemetryAttributes.Role, role);
        return a;
    }

    /// <summary>Records an evaluation's outcome on its span.</summary>
    /// <param name="activity">The span from <see cref="StartEvaluation"/>, or <see langword="null"/>.</param>
    /// <param name="score">The aggregate score.</param>
    /// <param name="failures">The number of failed examples.</param>
    public static void RecordEvaluation(Activity? activity, double score, int failures) =>
        activity?.SetTag(TelemetryAttributes.Score, score).SetTag(TelemetryAttributes.Failures, failures);

    /// <summary>Counts one retry (called by the resilience middleware).</summary>
    /// <param name="role">The role of the retried call, or <see langword="null"/>.</param>
    /// <param name="model">The model id, or <see langword="null"/>.</param>
    public static void RecordRetry(string? role, string? model = null)
    {
        if (Retries.Enabled)
        {
            Retries.Add(1, new KeyValuePair<string, object?>(TelemetryAttributes.Role, role), new KeyValuePair<string, object?>(TelemetryAttributes.RequestModel, model));
        }

        Activity.Current?.AddEvent(new ActivityEvent("retry"));
    }
}
