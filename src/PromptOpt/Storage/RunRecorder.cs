using System.Text.Json;
using PromptOpt.Optimizers;
using PromptOpt.Reporting;

namespace PromptOpt.Storage;

/// <summary>
/// Records an optimization run in an <see cref="IRunStore"/>: pass it as <see cref="OptimizationRequest.Progress"/> and
/// every event is appended (in order, off the optimizer's thread), every evaluated candidate saved with its score, and
/// at the end the result and the final status. Events are forwarded to an optional next observer (e.g. a progress view).
/// </summary>
/// <remarks>
/// Start with <see cref="StartAsync"/>: it takes the run's lease (<see cref="RunLease"/>: one process at a time runs a
/// run), creates the run, or reopens it for a resume — then it clears the recorded progress
/// (<see cref="IRunStore.ClearProgressAsync"/>), because the resumed run replays from the response cache and re-emits its
/// events and candidates — and records a new attempt, whose usage (paid and cached calls) is kept beside every earlier
/// attempt's (<see cref="IRunStore.GetAttemptsAsync"/>). Completing or stopping the run releases the lease. Store writes never observe the run's cancellation token, so a cancelled run
/// still records what it did and its <see cref="RunStatus.Interrupted"/> status.
/// </remarks>
public sealed class RunRecorder : IProgress<OptimizationEvent>, IAsyncDisposable
{
    private static readonly JsonSerializerOptions EventJson = new(RunReportLoader.ResultJsonOptions)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The property of a stored result that says the run used the simulator.</summary>
    public const string SimulatedProperty = "simulated";

    private readonly IRunStore _store;
    private readonly IProgress<OptimizationEvent>? _next;
    private readonly RunLease _lease;
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;
    private Exception? _writeError;

    private RunRecorder(IRunStore store, RunRecord run, bool resumed, IProgress<OptimizationEvent>? next, RunLease lease, int attempt)
    {
        _store = store;
        Run = run;
        Resumed = resumed;
        _next = next;
        _lease = lease;
        Attempt = attempt;
    }

    /// <summary>Gets the run as stored when recording started.</summary>
    public RunRecord Run { get; }

    /// <summary>Gets the run id.</summary>
    public string RunId => Run.RunId;

    /// <summary>Gets whether the run existed before (a resume: its previous progress was cleared, to be replayed).</summary>
    public bool Resumed { get; }

    /// <summary>Gets this attempt's number (1 for the run's first; each resume adds one).</summary>
    public int Attempt { get; }

    /// <summary>
    /// Creates the run, or reopens an existing run with the same id and the same method and spec (clearing its recorded
    /// progress and marking it running again).
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="run">The run.</param>
    /// <param name="next">An observer to forward every event to, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The recorder.</returns>
    /// <exception cref="PromptOptInputException">A run with that id exists with another method or spec.</exception>
    /// <exception cref="RunInUseException">Another live process runs the run now.</exception>
    public static async Task<RunRecorder> StartAsync(IRunStore store, RunStart run, IProgress<OptimizationEvent>? next = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        var opened = await store.CreateOrOpenRunAsync(run, cancellationToken).ConfigureAwait(false);
        if (opened.Existed)
        {
            var stored = opened.Run;
            if (!string.Equals(stored.Method, run.Method, StringComparison.Ordinal)
                || !SameJson(stored.SpecJson, RunSpecSanitizer.Sanitize(run.SpecJson)))
            {
                throw new PromptOptInputException(
                    $"run '{run.RunId}' already exists in the store with a different {(stored.Method == run.Method ? "spec" : $"method ({stored.Method})")}; " +
                    "choose another run id, or omit it to derive one from the spec");
            }
        }

        // Only the lease holder may touch the run's progress: a second process must not clear or double the first's.
        var lease = await RunLease.AcquireAsync(store, run.RunId, null, cancellationToken).ConfigureAwait(false);
        try
        {
            if (opened.Existed)
            {
                await store.ClearProgressAsync(run.RunId, cancellationToken).ConfigureAwait(false);
                await store.SetStatusAsync(run.RunId, RunStatus.Running, cancellationToken).ConfigureAwait(false);
            }

            int attempt = await store.StartAttemptAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            return new RunRecorder(store, opened.Run, opened.Existed, next, lease, attempt);
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Serializes a usage snapshot the way attempts store it (<see cref="RunAttempt.UsageJson"/>).</summary>
    /// <param name="usage">The usage.</param>
    /// <returns>The JSON.</returns>
    public static string UsageJson(Models.UsageSnapshot usage) => JsonSerializer.Serialize(usage, RunReportLoader.ResultJsonOptions);

    /// <summary>Reads an attempt's usage, or returns <see langword="null"/> when it has none (or it cannot be read).</summary>
    /// <param name="attempt">The attempt.</param>
    /// <returns>The usage, or <see langword="null"/>.</returns>
    public static Models.UsageSnapshot? ReadUsage(RunAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (attempt.UsageJson is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Models.UsageSnapshot>(attempt.UsageJson, RunReportLoader.ResultJsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Releases the run's lease if the run was neither completed nor stopped (e.g. an exception before it ran).</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => _lease.DisposeAsync();

    /// <inheritdoc />
    public void Report(OptimizationEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _tail = _tail.ContinueWith(_ => WriteAsync(value), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }

        _next?.Report(value);
    }

    /// <summary>Waits until every reported event is written.</summary>
    /// <param name="cancellationToken">Cancels the wait only: the writes themselves go on (a cancelled run keeps its records).</param>
    /// <returns>A task.</returns>
    /// <exception cref="InvalidOperationException">A write failed (the first failure is the inner exception).</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        Task tail;
        lock (_gate)
        {
            tail = _tail;
        }

        await tail.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _writeError) is { } error)
        {
            throw new InvalidOperationException($"recording run '{RunId}' failed: {error.Message}", error);
        }
    }

    /// <summary>
    /// Finishes a successful run: waits for pending writes, saves every candidate of the result (final acceptance flags),
    /// the result JSON (<see cref="RunReportLoader.ToResultJson"/>, what reports read) and the status
    /// <see cref="RunStatus.Completed"/>.
    /// </summary>
    /// <param name="result">The result.</param>
    /// <param name="simulated">Whether the run used the simulator: the stored result then carries <c>"simulated": true</c>,
    /// so every later view of it is labelled.</param>
    /// <remarks>Takes no cancellation token on purpose: the run's final records are written even when the run was cancelled, so it can be resumed.</remarks>
    /// <returns>A task.</returns>
    public async Task CompleteAsync(OptimizationResult result, bool simulated = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        await FlushAsync().ConfigureAwait(false);
        foreach (var c in result.Candidates)
        {
            await _store.SaveCandidateAsync(RunId, c.Id, JsonSerializer.Serialize(c, EventJson), c.TrainScore, CancellationToken.None).ConfigureAwait(false);
        }

        var json = RunReportLoader.ToResultJson(result);
        if (simulated && System.Text.Json.Nodes.JsonNode.Parse(json) is System.Text.Json.Nodes.JsonObject o)
        {
            o[SimulatedProperty] = true;
            json = o.ToJsonString(RunReportLoader.ResultJsonOptions);
        }

        await _store.SaveResultAsync(RunId, json, CancellationToken.None).ConfigureAwait(false);
        await _store.SetStatusAsync(RunId, RunStatus.Completed, CancellationToken.None).ConfigureAwait(false);
        await _store.SaveAttemptAsync(RunId, Attempt, RunStatus.Completed, UsageJson(result.Usage), CancellationToken.None).ConfigureAwait(false);
        await _lease.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Finishes a run that did not complete: waits for pending writes (ignoring their failures) and sets the status
    /// (<see cref="RunStatus.Interrupted"/> for a cancellation, <see cref="RunStatus.Failed"/> for an error).
    /// </summary>
    /// <param name="status">The status.</param>
    /// <param name="usage">The attempt's usage so far, or <see langword="null"/> to keep the last recorded one.</param>
    /// <remarks>Takes no cancellation token on purpose: the run's final records are written even when the run was cancelled, so it can be resumed.</remarks>
    /// <returns>A task.</returns>
    public async Task StopAsync(RunStatus status, Models.UsageSnapshot? usage = null)
    {
        Task tail;
        lock (_gate)
        {
            tail = _tail;
        }

        try
        {
            await tail.ConfigureAwait(false);
            await _store.SetStatusAsync(RunId, status, CancellationToken.None).ConfigureAwait(false);
            await _store.SaveAttemptAsync(RunId, Attempt, status, usage is null ? null : UsageJson(usage), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(OptimizationEvent e)
    {
        try
        {
            await _store.AppendEventAsync(RunId, e.GetType().Name, JsonSerializer.Serialize(e, e.GetType(), EventJson), CancellationToken.None).ConfigureAwait(false);
            if (e is CandidateEvaluated { Candidate: var c })
            {
                await _store.SaveCandidateAsync(RunId, c.Id, JsonSerializer.Serialize(c, EventJson), c.TrainScore, CancellationToken.None).ConfigureAwait(false);
            }
            else if (e is StepCompleted { Usage: { } usage })
            {
                // A killed attempt keeps the usage of its last completed step.
                await _store.SaveAttemptAsync(RunId, Attempt, RunStatus.Running, UsageJson(usage), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.CompareExchange(ref _writeError, ex, null);
        }
    }

    private static bool SameJson(string a, string b)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(a), System.Text.Json.Nodes.JsonNode.Parse(b));
        }
        catch (JsonException)
        {
            return string.Equals(a, b, StringComparison.Ordinal);
        }
    }
}
