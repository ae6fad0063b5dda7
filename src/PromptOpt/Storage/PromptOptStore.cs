using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PromptOpt.Storage;

/// <summary>
/// The embedded SQLite store (one file, default <c>.promptopt/promptopt.db</c>; see <see cref="StorePaths"/>): the
/// response cache and the run store.
/// </summary>
/// <remarks>
/// <para>WAL journal with <c>synchronous=NORMAL</c>: every write is committed when its task completes, so a killed process
/// loses nothing it was told was written (a power cut may lose the last few). Other processes may share the file (a busy
/// timeout waits for their writes).</para>
/// <para>All statements go through one connection, serialized by a lock: thread-safe, and fast for many small writes. The
/// writes of a model call (a response, its in-flight claim) are group-committed: writes that arrive while another is
/// being committed wait and are committed together in one transaction, each statement exactly as it would run alone,
/// and each task completes only after that commit. With many calls in flight this turns a commit per write into a
/// commit per batch; a lone write commits at once, as before.
/// A file written by a newer PromptOpt (a higher <see cref="SchemaVersion"/>) is refused.</para>
/// </remarks>
public sealed class PromptOptStore : IResponseCache, IResponseCacheClaims, IRunStore, IRunCheckpointStore, IDisposable
{
    /// <summary>The schema version this build writes (in the <c>schema_version</c> table).</summary>
    public const int SchemaVersion = 1;

    /// <summary>How long a write waits for another process's write, in milliseconds.</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly SqliteCommand _getCache;
    private readonly SqliteCommand _putCache;
    private readonly SqliteCommand? _endClaims;
    private readonly SqliteCommand? _insertClaim;
    private readonly ConcurrentQueue<PendingWrite> _pending = new();
    private SqliteTransaction? _batch;
    private int _draining;
    private long _groupCommits;
    private bool _hasAttempts = true;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="PromptOptStore"/> class, creating the file and its directory if needed.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="PromptOptInputException">The file is not a PromptOpt store, is damaged or cannot be written
    /// (<see cref="StoreErrors"/>), or was written by a newer version.</exception>
    public PromptOptStore(string path, TimeProvider? timeProvider = null)
        : this(path, timeProvider, readOnly: false)
    {
    }

    private PromptOptStore(string path, TimeProvider? timeProvider, bool readOnly, string? displayPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(displayPath ?? path);
        IsReadOnly = readOnly;
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (!readOnly && System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir)
        {
            try
            {
                Directory.CreateDirectory(dir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new PromptOptInputException($"cannot create the store's directory '{dir}': {ex.Message}", ex);
            }
        }

        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = displayPath is null ? Path : path, // a file: URI (immutable) when given one
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // release the file on Dispose
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        };
        _connection = new SqliteConnection(cs.ToString());
        try
        {
            _connection.Open();
            if (!readOnly && SQLitePCL.raw.sqlite3_db_readonly(_connection.Handle, "main") == 1)
            {
                // SQLite silently opens a write-protected file read-only; say so now, not at the first write.
                throw StoreErrors.NotWritable(Path, "the file is read-only");
            }

            Execute($"PRAGMA busy_timeout = {BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)};");
            if (readOnly)
            {
                CheckSchema();
            }
            else
            {
                Execute("PRAGMA journal_mode = WAL;");
                Execute("PRAGMA synchronous = NORMAL;");
                Execute("PRAGMA foreign_keys = ON;");
                InitializeSchema();
            }
        }
        catch (SqliteException ex)
        {
            _connection.Dispose();
            throw StoreErrors.Describe(Path, ex)
                ?? new PromptOptInputException($"cannot open the store '{Path}': {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _getCache = Prepare("SELECT response_json, model_id, input_tokens, output_tokens FROM response_cache WHERE key = $key;", "$key");
        _putCache = Prepare(
            """
            INSERT INTO response_cache (key, response_json, model_id, input_tokens, output_tokens, created_at)
            VALUES ($key, $json, $model, $in, $out, $now) ON CONFLICT(key) DO NOTHING;
            """,
            "$key", "$json", "$model", "$in", "$out", "$now");
        if (!readOnly)
        {
            _endClaims = Prepare("DELETE FROM cache_claims WHERE key = $key;", "$key");

            // One statement, so atomic across processes: claim only a key that is neither claimed nor answered.
            _insertClaim = Prepare(
                """
                INSERT INTO cache_claims (key, pid, host, token, process_started_at, claimed_at, expires_at)
                SELECT $key, $pid, $host, $token, $started, $now, $expires
                WHERE NOT EXISTS (SELECT 1 FROM response_cache WHERE key = $key)
                ON CONFLICT(key) DO NOTHING;
                """,
                "$key", "$pid", "$host", "$token", "$started", "$now", "$expires");
        }
    }

    /// <summary>Gets the absolute path of the database file.</summary>
    public string Path { get; }

    /// <summary>Gets whether the store was opened read-only (<see cref="OpenReadOnly"/>): reads work, every write fails.</summary>
    public bool IsReadOnly { get; }

    /// <summary>
    /// Opens an existing store for reading only: it never creates, migrates or writes the file, so it works on a read-only
    /// file or directory (for <c>runs</c>, <c>report</c> and the rerun of a finished <c>eval</c>).
    /// </summary>
    /// <param name="path">The database file (it must exist).</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <returns>The store.</returns>
    /// <exception cref="PromptOptInputException">The file is not a PromptOpt store, is damaged, or was written by a newer version.</exception>
    public static PromptOptStore OpenReadOnly(string path, TimeProvider? timeProvider = null)
    {
        try
        {
            return new(path, timeProvider, readOnly: true);
        }
        catch (StoreException ex) when (ex.Problem == StoreProblem.NotWritable)
        {
            // A WAL database in a directory that cannot be written: SQLite cannot create the shared-memory file even to
            // read. Open it as immutable instead (it then ignores a -wal file, which a cleanly closed store does not have).
            return new(new Uri(System.IO.Path.GetFullPath(path)).AbsoluteUri + "?immutable=1", timeProvider, readOnly: true, displayPath: path);
        }
    }

    /// <summary>Gets the journal mode in effect (<c>wal</c> normally).</summary>
    /// <returns>The journal mode.</returns>
    public string GetJournalMode() => (string)Scalar("PRAGMA journal_mode;")!;

    /// <summary>Gets the schema version recorded in the file.</summary>
    /// <returns>The version.</returns>
    public int GetStoredSchemaVersion() => Convert.ToInt32(Scalar("SELECT MAX(version) FROM schema_version;"), CultureInfo.InvariantCulture);

    // ---- IResponseCache ----

    /// <inheritdoc />
    public ValueTask<CachedResponse?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            _getCache.Parameters["$key"].Value = key;
            using var r = _getCache.ExecuteReader();
            return ValueTask.FromResult(r.Read()
                ? new CachedResponse(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.GetInt64(3))
                : null);
        }
    }

    /// <inheritdoc />
    /// <remarks>The first entry stored under a key wins. Ends any in-flight claim on the key in the same transaction
    /// (<see cref="IResponseCacheClaims"/>). Committed when the returned task completes.</remarks>
    public ValueTask PutAsync(string key, CachedResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        if (IsReadOnly)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                PutRow(key, response); // fails as SQLite refuses the write
            }

            return ValueTask.CompletedTask;
        }

        return new ValueTask(WriteAsync(store =>
        {
            store.PutRow(key, response);
            return true;
        }));
    }

    /// <summary>Inserts a response and, on a writable store, ends the key's claim: a waiter in another process sees both
    /// together (the caller holds the lock and, on a writable store, the batch's transaction).</summary>
    private void PutRow(string key, CachedResponse response)
    {
        var p = _putCache.Parameters;
        p["$key"].Value = key;
        p["$json"].Value = response.ResponseJson;
        p["$model"].Value = (object?)response.ModelId ?? DBNull.Value;
        p["$in"].Value = response.InputTokens;
        p["$out"].Value = response.OutputTokens;
        p["$now"].Value = Now();
        _putCache.Transaction = _batch;
        _putCache.ExecuteNonQuery();
        if (_endClaims is not null)
        {
            _endClaims.Transaction = _batch;
            _endClaims.Parameters["$key"].Value = key;
            _endClaims.ExecuteNonQuery();
        }
    }

    // ---- IResponseCacheClaims ----

    /// <inheritdoc />
    public bool CanClaim => !IsReadOnly;

    /// <inheritdoc />
    /// <remarks>Each step is one atomic statement (insert if free and unanswered; take over by compare-and-swap on the
    /// holder's token), so two processes never both acquire a key.</remarks>
    /// <exception cref="InvalidOperationException">The store is read-only.</exception>
    public ValueTask<CacheClaim> TryClaimAsync(string key, RunLeaseHolder holder, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        if (_insertClaim is null)
        {
            throw new InvalidOperationException($"the store '{Path}' is read-only: it takes no claims");
        }

        return new ValueTask<CacheClaim>(WriteAsync(store => store.ClaimRow(key, holder, timeout)));
    }

    /// <summary>One claim attempt (the caller holds the lock and the batch's transaction).</summary>
    private CacheClaim ClaimRow(string key, RunLeaseHolder holder, TimeSpan timeout)
    {
        {
            var insert = _insertClaim!;
            var now = _timeProvider.GetUtcNow();
            var nowText = now.ToString("O", CultureInfo.InvariantCulture);
            var expires = (now + timeout).ToString("O", CultureInfo.InvariantCulture);
            var started = holder.ProcessStartedAt.ToString("O", CultureInfo.InvariantCulture);

            // Twice at most: a claim may end between the insert and the read.
            for (int round = 0; round < 2; round++)
            {
                var p = insert.Parameters;
                p["$key"].Value = key;
                p["$pid"].Value = holder.ProcessId;
                p["$host"].Value = holder.Host;
                p["$token"].Value = holder.Token;
                p["$started"].Value = started;
                p["$now"].Value = nowText;
                p["$expires"].Value = expires;
                insert.Transaction = _batch;
                if (insert.ExecuteNonQuery() == 1)
                {
                    return new CacheClaim(CacheClaimOutcome.Acquired, null);
                }

                using (var answered = Command("SELECT 1 FROM response_cache WHERE key = $key;", ("$key", key)))
                {
                    if (answered.ExecuteScalar() is not null)
                    {
                        return new CacheClaim(CacheClaimOutcome.Answered, null);
                    }
                }

                RunLeaseHolder current;
                DateTimeOffset claimedAt, expiresAt;
                using (var read = Command(
                    "SELECT pid, host, token, process_started_at, claimed_at, expires_at FROM cache_claims WHERE key = $key;", ("$key", key)))
                {
                    using var r = read.ExecuteReader();
                    if (!r.Read())
                    {
                        continue; // ended just now: try again
                    }

                    claimedAt = ParseTime(r.GetString(4));
                    expiresAt = ParseTime(r.GetString(5));
                    current = new RunLeaseHolder(r.GetInt32(0), r.GetString(1), r.GetString(2), ParseTime(r.GetString(3)), claimedAt);
                }

                if (current.Token == holder.Token)
                {
                    return new CacheClaim(CacheClaimOutcome.Acquired, null);
                }

                if (now < expiresAt && current.IsAlive(claimedAt, now))
                {
                    return new CacheClaim(CacheClaimOutcome.Held, current);
                }

                // The holder died (or overran its own bound): take the claim over, unless someone else just did.
                int taken = Execute(
                    """
                    UPDATE cache_claims SET pid = $pid, host = $host, token = $token, process_started_at = $started,
                        claimed_at = $now, expires_at = $expires
                    WHERE key = $key AND token = $old;
                    """,
                    ("$key", key), ("$old", current.Token), ("$pid", holder.ProcessId), ("$host", holder.Host), ("$token", holder.Token),
                    ("$started", started), ("$now", nowText), ("$expires", expires));
                return taken == 1
                    ? new CacheClaim(CacheClaimOutcome.Acquired, null)
                    : new CacheClaim(CacheClaimOutcome.Held, current);
            }

            return new CacheClaim(CacheClaimOutcome.Held, null);
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseClaimAsync(string key, RunLeaseHolder holder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(holder);
        if (IsReadOnly)
        {
            ThrowIfDisposed();
            return ValueTask.CompletedTask;
        }

        return new ValueTask(WriteAsync(store =>
            store.Execute("DELETE FROM cache_claims WHERE key = $key AND token = $token;", ("$key", key), ("$token", holder.Token))));
    }

    /// <summary>Counts the cached responses.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The count.</returns>
    public Task<long> CountCacheEntriesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Convert.ToInt64(Scalar("SELECT COUNT(*) FROM response_cache;"), CultureInfo.InvariantCulture));
    }

    /// <summary>Deletes every cached response.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The number deleted.</returns>
    public Task<long> ClearCacheAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult((long)Execute("DELETE FROM response_cache;"));
    }

    // ---- IRunStore ----

    /// <inheritdoc />
    public Task<RunOpened> CreateOrOpenRunAsync(RunStart run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        RunIds.Validate(run.RunId);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Method);
        ArgumentNullException.ThrowIfNull(run.SpecJson);
        ArgumentNullException.ThrowIfNull(run.Models);
        cancellationToken.ThrowIfCancellationRequested();
        var spec = RunSpecSanitizer.Sanitize(run.SpecJson);
        var models = JsonSerializer.Serialize(RunSpecSanitizer.SanitizeModels(run.Models));
        lock (_gate)
        {
            ThrowIfDisposed();
            var now = Now();
            int inserted = Execute(
                """
                INSERT INTO runs (run_id, method, spec_json, seed, models_json, status, result_json, created_at, updated_at)
                VALUES ($id, $method, $spec, $seed, $models, $status, NULL, $now, $now) ON CONFLICT(run_id) DO NOTHING;
                """,
                ("$id", run.RunId), ("$method", run.Method), ("$spec", spec), ("$seed", run.Seed), ("$models", models),
                ("$status", StatusText(RunStatus.Running)), ("$now", now));
            return Task.FromResult(new RunOpened(ReadRun(run.RunId)!, inserted == 0));
        }
    }

    /// <inheritdoc />
    public Task<long> AppendEventAsync(string runId, string type, string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(json);
        cancellationToken.ThrowIfCancellationRequested();
        var seq = WriteToRun(
            runId,
            """
            INSERT INTO run_events (run_id, seq, type, json, created_at)
            VALUES ($id, COALESCE((SELECT MAX(seq) FROM run_events WHERE run_id = $id), 0) + 1, $type, $json, $now)
            RETURNING seq;
            """,
            ("$type", type), ("$json", json));
        return Task.FromResult(Convert.ToInt64(seq, CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public Task SaveCandidateAsync(string runId, int candidateId, string json, double? score, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(json);
        cancellationToken.ThrowIfCancellationRequested();
        WriteToRun(
            runId,
            """
            INSERT INTO run_candidates (run_id, candidate_id, json, score, updated_at) VALUES ($id, $cid, $json, $score, $now)
            ON CONFLICT(run_id, candidate_id) DO UPDATE SET json = excluded.json, score = excluded.score, updated_at = excluded.updated_at;
            """,
            ("$cid", candidateId), ("$json", json), ("$score", score));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetStatusAsync(string runId, RunStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        UpdateRun(runId, "status = $value", StatusText(status));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SaveResultAsync(string runId, string resultJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(resultJson);
        cancellationToken.ThrowIfCancellationRequested();
        UpdateRun(runId, "result_json = $value", RunSpecSanitizer.Sanitize(resultJson));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearProgressAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var tx = _connection.BeginTransaction();
            Touch(runId, Now(), tx);
            foreach (var sql in new[]
            {
                "DELETE FROM run_events WHERE run_id = $id;",
                "DELETE FROM run_candidates WHERE run_id = $id;",
                "UPDATE runs SET result_json = NULL WHERE run_id = $id;",
            })
            {
                using var cmd = Command(sql, ("$id", runId));
                cmd.Transaction = tx;
                cmd.ExecuteNonQuery();
            }

            tx.Commit();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            return Task.FromResult(ReadRun(runId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunSummary>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                """
                SELECT r.run_id, r.method, r.status, r.created_at, r.updated_at,
                       (SELECT MAX(c.score) FROM run_candidates c WHERE c.run_id = r.run_id)
                FROM runs r ORDER BY r.created_at DESC, r.run_id;
                """);
            using var r = cmd.ExecuteReader();
            var list = new List<RunSummary>();
            while (r.Read())
            {
                list.Add(new RunSummary(r.GetString(0), r.GetString(1), ParseStatus(r.GetString(2)), ParseTime(r.GetString(3)),
                    ParseTime(r.GetString(4)), r.IsDBNull(5) ? null : r.GetDouble(5)));
            }

            return Task.FromResult<IReadOnlyList<RunSummary>>(list);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunEventRecord>> GetEventsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command("SELECT seq, type, json, created_at FROM run_events WHERE run_id = $id ORDER BY seq;", ("$id", runId));
            using var r = cmd.ExecuteReader();
            var list = new List<RunEventRecord>();
            while (r.Read())
            {
                list.Add(new RunEventRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), ParseTime(r.GetString(3))));
            }

            return Task.FromResult<IReadOnlyList<RunEventRecord>>(list);
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
            ThrowIfDisposed();

            // BEGIN IMMEDIATE: two processes cannot both read "free" and both write themselves in.
            using var tx = _connection.BeginTransaction(deferred: false);
            using (var read = Command("SELECT pid, host, token, process_started_at, acquired_at, renewed_at FROM run_leases WHERE run_id = $id;", ("$id", runId)))
            {
                read.Transaction = tx;
                using var r = read.ExecuteReader();
                if (r.Read())
                {
                    var current = new RunLeaseHolder(r.GetInt32(0), r.GetString(1), r.GetString(2), ParseTime(r.GetString(3)), ParseTime(r.GetString(4)));
                    if (current.Token != holder.Token && current.IsAlive(ParseTime(r.GetString(5)), _timeProvider.GetUtcNow()))
                    {
                        return Task.FromResult<RunLeaseHolder?>(current);
                    }
                }
            }

            using var write = Command(
                """
                INSERT INTO run_leases (run_id, pid, host, token, process_started_at, acquired_at, renewed_at)
                VALUES ($id, $pid, $host, $token, $started, $acquired, $now)
                ON CONFLICT(run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, token = excluded.token,
                    process_started_at = excluded.process_started_at, acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at;
                """,
                ("$id", runId), ("$pid", holder.ProcessId), ("$host", holder.Host), ("$token", holder.Token),
                ("$started", holder.ProcessStartedAt.ToString("O", CultureInfo.InvariantCulture)),
                ("$acquired", holder.AcquiredAt.ToString("O", CultureInfo.InvariantCulture)), ("$now", Now()));
            write.Transaction = tx;
            write.ExecuteNonQuery();
            tx.Commit();
            return Task.FromResult<RunLeaseHolder?>(null);
        }
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(string runId, RunLeaseHolder holder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(holder);
        Execute("DELETE FROM run_leases WHERE run_id = $id AND token = $token;", ("$id", runId), ("$token", holder.Token));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> StartAttemptAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var now = Now();
            using var tx = _connection.BeginTransaction();
            Touch(runId, now, tx);
            using var cmd = Command(
                """
                INSERT INTO run_attempts (run_id, attempt, started_at, updated_at, status, usage_json)
                VALUES ($id, COALESCE((SELECT MAX(attempt) FROM run_attempts WHERE run_id = $id), 0) + 1, $now, $now, $status, NULL)
                RETURNING attempt;
                """,
                ("$id", runId), ("$now", now), ("$status", StatusText(RunStatus.Running)));
            cmd.Transaction = tx;
            int attempt = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            tx.Commit();
            return Task.FromResult(attempt);
        }
    }

    /// <inheritdoc />
    public Task SaveAttemptAsync(string runId, int attempt, RunStatus status, string? usageJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            int n = Execute(
                "UPDATE run_attempts SET status = $status, usage_json = COALESCE($usage, usage_json), updated_at = $now WHERE run_id = $id AND attempt = $attempt;",
                ("$id", runId), ("$attempt", attempt), ("$status", StatusText(status)), ("$usage", usageJson), ("$now", Now()));
            if (n == 0)
            {
                throw new KeyNotFoundException($"run '{runId}' has no attempt {attempt} in the store");
            }
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
            ThrowIfDisposed();
            var list = new List<RunAttempt>();
            if (!_hasAttempts)
            {
                return Task.FromResult<IReadOnlyList<RunAttempt>>(list); // a read-only file written before attempts were recorded
            }

            using var cmd = Command(
                "SELECT attempt, started_at, updated_at, status, usage_json FROM run_attempts WHERE run_id = $id ORDER BY attempt;", ("$id", runId));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(new RunAttempt(r.GetInt32(0), ParseTime(r.GetString(1)), ParseTime(r.GetString(2)), ParseStatus(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4)));
            }

            return Task.FromResult<IReadOnlyList<RunAttempt>>(list);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CandidateRow>> GetCandidatesAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                "SELECT candidate_id, json, score, updated_at FROM run_candidates WHERE run_id = $id ORDER BY candidate_id;", ("$id", runId));
            using var r = cmd.ExecuteReader();
            var list = new List<CandidateRow>();
            while (r.Read())
            {
                list.Add(new CandidateRow(r.GetInt32(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetDouble(2), ParseTime(r.GetString(3))));
            }

            return Task.FromResult<IReadOnlyList<CandidateRow>>(list);
        }
    }

    // ---- IRunCheckpointStore ----

    /// <inheritdoc />
    public Task SaveCheckpointAsync(string runId, string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        WriteToRun(
            runId,
            "INSERT INTO run_checkpoints (run_id, key, data, created_at) VALUES ($id, $key, $data, $now) ON CONFLICT(run_id, key) DO NOTHING;",
            ("$key", key), ("$data", data.ToArray()));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, byte[]>> GetCheckpointsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command("SELECT key, data FROM run_checkpoints WHERE run_id = $id;", ("$id", runId));
            using var r = cmd.ExecuteReader();
            var map = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            while (r.Read())
            {
                map[r.GetString(0)] = (byte[])r.GetValue(1);
            }

            return Task.FromResult<IReadOnlyDictionary<string, byte[]>>(map);
        }
    }

    /// <inheritdoc />
    /// <remarks>Writes still waiting for a group commit are committed first.</remarks>
    public void Dispose()
    {
        List<PendingWrite> last;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            last = TakePending();
            CommitBatch(last);
            _disposed = true;
            _getCache.Dispose();
            _putCache.Dispose();
            _endClaims?.Dispose();
            _insertClaim?.Dispose();
            _connection.Dispose();
        }

        Publish(last);
    }

    internal static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Interrupted => "interrupted",
        RunStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown run status"),
    };

    private static RunStatus ParseStatus(string text) => text switch
    {
        "completed" => RunStatus.Completed,
        "interrupted" => RunStatus.Interrupted,
        "failed" => RunStatus.Failed,
        _ => RunStatus.Running,
    };

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private void InitializeSchema()
    {
        using var tx = _connection.BeginTransaction();
        using (var create = _connection.CreateCommand())
        {
            create.Transaction = tx;
            create.CommandText = StoreSchema.Create;
            create.ExecuteNonQuery();
        }

        using var read = _connection.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "SELECT MAX(version) FROM schema_version;";
        var stored = read.ExecuteScalar();
        if (stored is null or DBNull)
        {
            using var insert = _connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO schema_version (version) VALUES ($v);";
            insert.Parameters.AddWithValue("$v", SchemaVersion);
            insert.ExecuteNonQuery();
        }
        else if (Convert.ToInt32(stored, CultureInfo.InvariantCulture) > SchemaVersion)
        {
            throw new PromptOptInputException(
                $"the store '{Path}' has schema version {stored}, newer than this PromptOpt's {SchemaVersion}: upgrade PromptOpt or use another --store");
        }

        tx.Commit();
    }

    // Read-only: nothing may be created or migrated; only check that this is a store this build can read.
    private void CheckSchema()
    {
        using var tables = Command("SELECT name FROM sqlite_master WHERE type = 'table';");
        var names = new HashSet<string>(StringComparer.Ordinal);
        using (var r = tables.ExecuteReader())
        {
            while (r.Read())
            {
                names.Add(r.GetString(0));
            }
        }

        if (!names.Contains("schema_version") || !names.Contains("runs") || !names.Contains("response_cache"))
        {
            throw new PromptOptInputException($"'{Path}' is not a PromptOpt store (it has no PromptOpt tables); give the store's path with --store");
        }

        _hasAttempts = names.Contains("run_attempts");
        var stored = Scalar("SELECT MAX(version) FROM schema_version;");
        if (stored is not (null or DBNull) && Convert.ToInt32(stored, CultureInfo.InvariantCulture) > SchemaVersion)
        {
            throw new PromptOptInputException(
                $"the store '{Path}' has schema version {stored}, newer than this PromptOpt's {SchemaVersion}: upgrade PromptOpt or use another --store");
        }
    }

    private RunRecord? ReadRun(string runId)
    {
        using var cmd = Command(
            "SELECT run_id, method, spec_json, seed, models_json, status, result_json, created_at, updated_at FROM runs WHERE run_id = $id;",
            ("$id", runId));
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }

        var models = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4)) ?? [];
        return new RunRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), models, ParseStatus(r.GetString(5)),
            r.IsDBNull(6) ? null : r.GetString(6), ParseTime(r.GetString(7)), ParseTime(r.GetString(8)));
    }

    private void UpdateRun(string runId, string assignment, object? value)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            int n = Execute($"UPDATE runs SET {assignment}, updated_at = $now WHERE run_id = $id;", ("$id", runId), ("$value", value), ("$now", Now()));
            if (n == 0)
            {
                throw UnknownRun(runId);
            }
        }
    }

    /// <summary>
    /// Runs one statement of a write to a run (parameters <c>$id</c> = the run id and <c>$now</c> = the time are added) in a
    /// transaction that also touches the run; returns the statement's scalar.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The run does not exist.</exception>
    private object? WriteToRun(string runId, string sql, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            var now = Now();
            using var tx = _connection.BeginTransaction();
            Touch(runId, now, tx);
            using var cmd = Command(sql, [("$id", runId), ("$now", now), .. parameters]);
            cmd.Transaction = tx;
            var result = cmd.ExecuteScalar();
            tx.Commit();
            return result;
        }
    }

    private void Touch(string runId, string now, SqliteTransaction tx)
    {
        using var cmd = Command("UPDATE runs SET updated_at = $now WHERE run_id = $id;", ("$id", runId), ("$now", now));
        cmd.Transaction = tx;
        if (cmd.ExecuteNonQuery() == 0)
        {
            throw UnknownRun(runId);
        }

        // Every write of a run renews its lease (a holder on another host is judged by this).
        using var renew = Command("UPDATE run_leases SET renewed_at = $now WHERE run_id = $id;", ("$id", runId), ("$now", now));
        renew.Transaction = tx;
        renew.ExecuteNonQuery();
    }

    private static KeyNotFoundException UnknownRun(string runId) => new($"run '{runId}' does not exist in the store");

    private string Now() => _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _batch; // inside a group commit (null otherwise; callers with their own transaction set it)
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return cmd;
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            using var cmd = Command(sql, parameters);
            return cmd.ExecuteNonQuery();
        }
    }

    private object? Scalar(string sql)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(sql);
            return cmd.ExecuteScalar();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    // ---- Group commit ----

    /// <summary>The most writes committed in one transaction.</summary>
    private const int MaxBatch = 512;

    /// <summary>
    /// Queues a write and commits it: with its own transaction when the store is idle, or together with the writes that
    /// queue while another commit runs (the thread that finds the store idle commits for everyone, then leaves). The task
    /// completes after the commit, with the write's result or its own exception.
    /// </summary>
    private Task<T> WriteAsync<T>(Func<PromptOptStore, T> write)
    {
        var pending = new PendingWrite<T>(write);
        _pending.Enqueue(pending);
        Drain();
        return pending.Task;
    }

    /// <summary>Gets the number of group commits that succeeded (batches and lone writes; for tests).</summary>
    internal long GroupCommits => Interlocked.Read(ref _groupCommits);

    /// <summary>Gets the number of writes waiting for a group commit (for tests).</summary>
    internal int PendingWrites => _pending.Count;

    /// <summary>Holds the store's lock on a thread of its own until disposed, so writes queue (for tests); runs
    /// <paramref name="beforeRelease"/> on that thread, with the lock held, before letting go.</summary>
    internal IDisposable HoldForTest(Action? beforeRelease = null) => new TestHold(_gate, beforeRelease);

    /// <summary>Queues any write as a group-committed one (for tests: a write that fails).</summary>
    internal Task<T> WriteForTestAsync<T>(Func<T> write) => WriteAsync(_ => write());

    private void Drain()
    {
        // Re-checked after letting go: a write queued just before that is never left waiting.
        while (!_pending.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            try
            {
                List<PendingWrite> batch;
                lock (_gate)
                {
                    batch = TakePending();
                    CommitBatch(batch);
                }

                Publish(batch);
            }
            finally
            {
                Volatile.Write(ref _draining, 0);
            }
        }
    }

    private List<PendingWrite> TakePending()
    {
        var batch = new List<PendingWrite>(Math.Min(_pending.Count, MaxBatch));
        while (batch.Count < MaxBatch && _pending.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        return batch;
    }

    /// <summary>Runs the writes in one transaction (the caller holds the lock). If any statement or the commit fails, the
    /// transaction is rolled back and each write runs again in its own, so a failure is only its own write's.</summary>
    private void CommitBatch(List<PendingWrite> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        if (_disposed)
        {
            foreach (var write in batch)
            {
                write.Failed(new ObjectDisposedException(GetType().FullName));
            }

            return;
        }

        if (batch.Count > 1 && TryCommit(batch))
        {
            return;
        }

        foreach (var write in batch)
        {
            TryCommit([write]);
        }
    }

    private bool TryCommit(List<PendingWrite> writes)
    {
        try
        {
            using var tx = _connection.BeginTransaction();
            _batch = tx;
            foreach (var write in writes)
            {
                write.Run(this);
            }

            tx.Commit();
            Interlocked.Increment(ref _groupCommits);
            return true;
        }
        catch (Exception ex)
        {
            // Any failure, so that no write's task is left waiting. Rolled back by the transaction's Dispose.
            if (writes.Count == 1)
            {
                writes[0].Failed(ex);
            }

            return false; // a batch: each write runs again alone
        }
        finally
        {
            _batch = null;
        }
    }

    private static void Publish(List<PendingWrite> batch)
    {
        foreach (var write in batch)
        {
            write.Publish();
        }
    }

    private sealed class TestHold : IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private readonly Thread _thread;

        public TestHold(Lock gate, Action? beforeRelease)
        {
            using var entered = new ManualResetEventSlim();
            _thread = new Thread(() =>
            {
                lock (gate)
                {
                    entered.Set();
                    _release.Wait();
                    beforeRelease?.Invoke();
                }
            })
            { IsBackground = true };
            _thread.Start();
            entered.Wait();
        }

        public void Dispose()
        {
            _release.Set();
            _thread.Join();
            _release.Dispose();
        }
    }

    private abstract class PendingWrite
    {
        /// <summary>Runs the write's statements in the current transaction; keeps its result until <see cref="Publish"/>.</summary>
        public abstract void Run(PromptOptStore store);

        /// <summary>Records the write's own failure.</summary>
        public abstract void Failed(Exception error);

        /// <summary>Completes the write's task (after its commit, outside the lock).</summary>
        public abstract void Publish();
    }

    private sealed class PendingWrite<T>(Func<PromptOptStore, T> write) : PendingWrite
    {
        // Followers resume on the thread pool, not inside the committing thread's loop.
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _done.Task;

        public override void Run(PromptOptStore store)
        {
            _error = null;
            _result = write(store);
        }

        public override void Failed(Exception error) => _error = error;

        public override void Publish()
        {
            if (_error is not null)
            {
                _done.TrySetException(_error);
            }
            else
            {
                _done.TrySetResult(_result!);
            }
        }
    }
}
