namespace PromptOpt.Storage;

/// <summary>A thread-safe in-process <see cref="IRunStore"/> and <see cref="IRunCheckpointStore"/> with the same behaviour as <see cref="PromptOptStore"/> (for tests).</summary>
public sealed class InMemoryRunStore : IRunStore, IRunCheckpointStore
{
    private readonly Dictionary<string, RunState> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (RunLeaseHolder Holder, DateTimeOffset RenewedAt)> _leases = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="InMemoryRunStore"/> class.</summary>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for the system clock.</param>
    public InMemoryRunStore(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public Task<RunOpened> CreateOrOpenRunAsync(RunStart run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        RunIds.Validate(run.RunId);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Method);
        ArgumentNullException.ThrowIfNull(run.SpecJson);
        ArgumentNullException.ThrowIfNull(run.Models);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_runs.TryGetValue(run.RunId, out var existing))
            {
                return Task.FromResult(new RunOpened(existing.Record, true));
            }

            var now = _timeProvider.GetUtcNow();
            var models = RunSpecSanitizer.SanitizeModels(run.Models);
            var state = new RunState
            {
                Record = new RunRecord(run.RunId, run.Method, RunSpecSanitizer.Sanitize(run.SpecJson), run.Seed, models, RunStatus.Running, null, now, now),
            };
            _runs.Add(run.RunId, state);
            return Task.FromResult(new RunOpened(state.Record, false));
        }
    }

    /// <inheritdoc />
    public Task<long> AppendEventAsync(string runId, string type, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(json);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var state = Get(runId);
            var now = Touch(state);
            long seq = state.Events.Count == 0 ? 1 : state.Events[^1].Sequence + 1;
            state.Events.Add(new RunEventRecord(seq, type, json, now));
            return Task.FromResult(seq);
        }
    }

    /// <inheritdoc />
    public Task SaveCandidateAsync(string runId, int candidateId, string json, double? score, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var state = Get(runId);
            state.Candidates[candidateId] = new CandidateRow(candidateId, json, score, Touch(state));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetStatusAsync(string runId, RunStatus status, CancellationToken cancellationToken = default)
    {
        PromptOptStore.StatusText(status); // validates the value like the SQLite store
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var state = Get(runId);
            var now = Touch(state);
            state.Record = state.Record with { Status = status, UpdatedAt = now };
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SaveResultAsync(string runId, string resultJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resultJson);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var state = Get(runId);
            var now = Touch(state);
            state.Record = state.Record with { ResultJson = RunSpecSanitizer.Sanitize(resultJson), UpdatedAt = now };
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearProgressAsync(string runId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var state = Get(runId);
            var now = Touch(state);
            state.Events.Clear();
            state.Candidates.Clear();
            state.Record = state.Record with { ResultJson = null, UpdatedAt = now };
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SaveCheckpointAsync(string runId, string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var state = Get(runId);
            Touch(state);
            state.Checkpoints.TryAdd(key, data.ToArray());
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, byte[]>> GetCheckpointsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyDictionary<string, byte[]> copy = _runs.TryGetValue(runId, out var state)
                ? state.Checkpoints.ToDictionary(kv => kv.Key, kv => (byte[])kv.Value.Clone(), StringComparer.Ordinal)
                : new Dictionary<string, byte[]>(StringComparer.Ordinal);
            return Task.FromResult(copy);
        }
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_runs.TryGetValue(runId, out var s) ? s.Record : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunSummary>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<RunSummary> list = _runs.Values
                .Select(s => new RunSummary(s.Record.RunId, s.Record.Method, s.Record.Status, s.Record.CreatedAt, s.Record.UpdatedAt,
                    s.Candidates.Values.Where(c => c.Score is not null).Select(c => c.Score).Max()))
                .OrderByDescending(r => r.CreatedAt)
                .ThenBy(r => r.RunId, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunEventRecord>> GetEventsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RunEventRecord>>(_runs.TryGetValue(runId, out var s) ? s.Events.ToList() : []);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CandidateRow>> GetCandidatesAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<CandidateRow>>(
                _runs.TryGetValue(runId, out var s) ? s.Candidates.Values.OrderBy(c => c.CandidateId).ToList() : []);
        }
    }

    /// <inheritdoc />
    public Task<RunLeaseHolder?> TryAcquireLeaseAsync(string runId, RunLeaseHolder holder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(holder);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (_leases.TryGetValue(runId, out var current) && current.Holder.Token != holder.Token && current.Holder.IsAlive(current.RenewedAt, now))
            {
                return Task.FromResult<RunLeaseHolder?>(current.Holder);
            }

            _leases[runId] = (holder, now);
            return Task.FromResult<RunLeaseHolder?>(null);
        }
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(string runId, RunLeaseHolder holder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(holder);
        lock (_gate)
        {
            if (_leases.TryGetValue(runId, out var current) && current.Holder.Token == holder.Token)
            {
                _leases.Remove(runId);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> StartAttemptAsync(string runId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var state = Get(runId);
            var now = Touch(state);
            var attempt = new RunAttempt(state.Attempts.Count + 1, now, now, RunStatus.Running, null);
            state.Attempts.Add(attempt);
            return Task.FromResult(attempt.Attempt);
        }
    }

    /// <inheritdoc />
    public Task SaveAttemptAsync(string runId, int attempt, RunStatus status, string? usageJson, CancellationToken cancellationToken = default)
    {
        PromptOptStore.StatusText(status);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var state = Get(runId);
            int i = state.Attempts.FindIndex(a => a.Attempt == attempt);
            if (i < 0)
            {
                throw new KeyNotFoundException($"run '{runId}' has no attempt {attempt} in the store");
            }

            state.Attempts[i] = state.Attempts[i] with { Status = status, UsageJson = usageJson ?? state.Attempts[i].UsageJson, UpdatedAt = _timeProvider.GetUtcNow() };
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunAttempt>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RunAttempt>>(_runs.TryGetValue(runId, out var s) ? s.Attempts.ToList() : []);
        }
    }

    private RunState Get(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return _runs.TryGetValue(runId, out var s) ? s : throw new KeyNotFoundException($"run '{runId}' does not exist in the store");
    }

    private DateTimeOffset Touch(RunState state)
    {
        var now = _timeProvider.GetUtcNow();
        state.Record = state.Record with { UpdatedAt = now };
        return now;
    }

    private sealed class RunState
    {
        public required RunRecord Record { get; set; }

        public List<RunEventRecord> Events { get; } = [];

        public SortedDictionary<int, CandidateRow> Candidates { get; } = [];

        public List<RunAttempt> Attempts { get; } = [];

        public Dictionary<string, byte[]> Checkpoints { get; } = new(StringComparer.Ordinal);
    }
}
