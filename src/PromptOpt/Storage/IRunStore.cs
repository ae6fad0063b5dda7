namespace PromptOpt.Storage;

/// <summary>The state of a run.</summary>
public enum RunStatus
{
    /// <summary>The run is in progress (or was killed without a chance to say otherwise).</summary>
    Running,

    /// <summary>The run finished and saved its result.</summary>
    Completed,

    /// <summary>The run was cancelled (Ctrl-C, a stop file); run it again with the same id to resume.</summary>
    Interrupted,

    /// <summary>The run stopped on an error.</summary>
    Failed,
}

/// <summary>What a run is, as recorded when it starts.</summary>
/// <param name="RunId">The run id (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>; see <see cref="RunIds"/>).</param>
/// <param name="Method">The optimization method (e.g. <c>dual-phase</c>).</param>
/// <param name="SpecJson">The run spec as JSON; values of key/token/secret-like fields are stripped before saving (<see cref="RunSpecSanitizer"/>).</param>
/// <param name="Seed">The seed.</param>
/// <param name="Models">The model spec per role (e.g. <c>task</c> → <c>openai:gpt-4o-mini</c>); key-free by construction.</param>
public sealed record RunStart(string RunId, string Method, string SpecJson, int Seed, IReadOnlyDictionary<string, string> Models);

/// <summary>A stored run.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Method">The method.</param>
/// <param name="SpecJson">The (sanitized) spec JSON.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Models">The model spec per role.</param>
/// <param name="Status">The status.</param>
/// <param name="ResultJson">The result JSON, or <see langword="null"/> before the run saved one.</param>
/// <param name="CreatedAt">When the run was first created.</param>
/// <param name="UpdatedAt">When anything of the run last changed.</param>
public sealed record RunRecord(
    string RunId,
    string Method,
    string SpecJson,
    int Seed,
    IReadOnlyDictionary<string, string> Models,
    RunStatus Status,
    string? ResultJson,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The outcome of <see cref="IRunStore.CreateOrOpenRunAsync"/>.</summary>
/// <param name="Run">The stored run (for an existing run: as stored, not as passed).</param>
/// <param name="Existed">Whether the run already existed (a resume).</param>
public sealed record RunOpened(RunRecord Run, bool Existed);

/// <summary>One line of <see cref="IRunStore.ListRunsAsync"/>.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Method">The method.</param>
/// <param name="Status">The status.</param>
/// <param name="CreatedAt">When the run was created.</param>
/// <param name="UpdatedAt">When the run last changed.</param>
/// <param name="BestScore">The best candidate score, or <see langword="null"/> when no candidate has a score.</param>
public sealed record RunSummary(string RunId, string Method, RunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, double? BestScore);

/// <summary>A stored event of a run.</summary>
/// <param name="Sequence">The 1-based sequence number within the run.</param>
/// <param name="Type">The event type (e.g. <c>StepCompleted</c>).</param>
/// <param name="Json">The event JSON.</param>
/// <param name="Timestamp">When it was appended.</param>
public sealed record RunEventRecord(long Sequence, string Type, string Json, DateTimeOffset Timestamp);

/// <summary>A stored candidate of a run.</summary>
/// <param name="CandidateId">The candidate id (unique within the run).</param>
/// <param name="Json">The candidate JSON.</param>
/// <param name="Score">The score, or <see langword="null"/>.</param>
/// <param name="UpdatedAt">When it was last saved.</param>
public sealed record CandidateRow(int CandidateId, string Json, double? Score, DateTimeOffset UpdatedAt);

/// <summary>One attempt at a run (its first run, and each resume): when, how it ended, and what it used.</summary>
/// <param name="Attempt">The 1-based attempt number within the run.</param>
/// <param name="StartedAt">When the attempt started.</param>
/// <param name="UpdatedAt">When the attempt's record last changed.</param>
/// <param name="Status">How the attempt ended (<see cref="RunStatus.Running"/> while it runs, or when it was killed).</param>
/// <param name="UsageJson">The attempt's usage (a <c>UsageSnapshot</c> as JSON, paid and cached calls per role), or
/// <see langword="null"/> before it recorded any.</param>
public sealed record RunAttempt(int Attempt, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, RunStatus Status, string? UsageJson);

/// <summary>
/// Persists runs: their spec, events, candidates, status and result. Implementations are thread-safe, and every write is
/// durable when its task completes.
/// </summary>
/// <remarks>
/// A resumed run replays from the response cache and so re-emits its events and candidates: call
/// <see cref="ClearProgressAsync"/> when reopening an existing run so the replay writes a clean history
/// (candidates are upserts either way). Writes to a run that does not exist throw <see cref="KeyNotFoundException"/>;
/// reads of one return <see langword="null"/> or an empty list.
/// </remarks>
public interface IRunStore
{
    /// <summary>Creates a run, or opens it when a run with that id exists (which it leaves unchanged).</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The stored run and whether it existed.</returns>
    /// <exception cref="PromptOptInputException">The run id is invalid.</exception>
    Task<RunOpened> CreateOrOpenRunAsync(RunStart run, CancellationToken cancellationToken = default);

    /// <summary>Appends an event to a run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="type">The event type.</param>
    /// <param name="json">The event JSON.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The event's sequence number (1, 2, … within the run).</returns>
    Task<long> AppendEventAsync(string runId, string type, string json, CancellationToken cancellationToken = default);

    /// <summary>Saves (inserts or replaces) a candidate of a run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="candidateId">The candidate id.</param>
    /// <param name="json">The candidate JSON.</param>
    /// <param name="score">The score, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    Task SaveCandidateAsync(string runId, int candidateId, string json, double? score, CancellationToken cancellationToken = default);

    /// <summary>Sets a run's status.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="status">The status.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    Task SetStatusAsync(string runId, RunStatus status, CancellationToken cancellationToken = default);

    /// <summary>Saves a run's result JSON (sanitized like the spec).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="resultJson">The result JSON.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    Task SaveResultAsync(string runId, string resultJson, CancellationToken cancellationToken = default);

    /// <summary>Removes a run's events, candidates and result (keeping the run), before a resumed run replays them.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    Task ClearProgressAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Gets a run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The run, or <see langword="null"/> when there is none with that id.</returns>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Lists all runs, most recently created first.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The runs.</returns>
    Task<IReadOnlyList<RunSummary>> ListRunsAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets a run's events in order.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The events (empty for an unknown run).</returns>
    Task<IReadOnlyList<RunEventRecord>> GetEventsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lease of a run for <paramref name="holder"/> (see <see cref="RunLease"/>): when no live holder has it (none,
    /// or one whose process died), it becomes <paramref name="holder"/>'s.
    /// </summary>
    /// <param name="runId">The run id (the run need not exist yet).</param>
    /// <param name="holder">The new holder.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="null"/> when the lease was taken; else the live holder that has it.</returns>
    Task<RunLeaseHolder?> TryAcquireLeaseAsync(string runId, RunLeaseHolder holder, CancellationToken cancellationToken = default);

    /// <summary>Releases a run's lease if <paramref name="holder"/> holds it.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="holder">The holder.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    Task ReleaseLeaseAsync(string runId, RunLeaseHolder holder, CancellationToken cancellationToken = default);

    /// <summary>Records the start of a new attempt at a run (kept by <see cref="ClearProgressAsync"/>: every attempt's usage stays).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The attempt number (1 for the first).</returns>
    Task<int> StartAttemptAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Updates an attempt's status and usage.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="attempt">The attempt number.</param>
    /// <param name="status">The status.</param>
    /// <param name="usageJson">The usage JSON, or <see langword="null"/> to keep the stored one.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    Task SaveAttemptAsync(string runId, int attempt, RunStatus status, string? usageJson, CancellationToken cancellationToken = default);

    /// <summary>Gets a run's attempts in order.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The attempts (empty for an unknown run, or a store written before attempts were recorded).</returns>
    Task<IReadOnlyList<RunAttempt>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Gets a run's candidates ordered by id.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The candidates (empty for an unknown run).</returns>
    Task<IReadOnlyList<CandidateRow>> GetCandidatesAsync(string runId, CancellationToken cancellationToken = default);
}
