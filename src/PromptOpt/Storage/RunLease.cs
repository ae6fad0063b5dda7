using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace PromptOpt.Storage;

/// <summary>
/// Who holds a run's lease: the process (id, host, start time) and a token unique to the acquisition. A run is run by
/// one holder at a time (<see cref="RunLease"/>), so two processes never both pay for it nor interleave its event log.
/// The same identity holds a response-cache claim (<see cref="IResponseCacheClaims"/>).
/// </summary>
/// <param name="ProcessId">The holder's process id.</param>
/// <param name="Host">The holder's host name.</param>
/// <param name="Token">A token unique to this acquisition (tells two holders in one process apart).</param>
/// <param name="ProcessStartedAt">When the holder's process started (tells a live holder from a reused pid).</param>
/// <param name="AcquiredAt">When the lease was taken.</param>
public sealed record RunLeaseHolder(int ProcessId, string Host, string Token, DateTimeOffset ProcessStartedAt, DateTimeOffset AcquiredAt)
{
    /// <summary>How long a lease of a holder on another host stays valid without being renewed (every store write of the
    /// run renews it); the holder's process cannot be checked from here.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    // Leases this process holds now: a holder of this process is alive while its token is here.
    private static readonly ConcurrentDictionary<string, byte> HeldHere = new(StringComparer.Ordinal);

    // Read once: response-cache claims (one per paid call) create holders often.
    private static readonly Lazy<DateTimeOffset> ThisProcessStartedAt = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    });

    /// <summary>Creates a holder for this process.</summary>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <returns>The holder.</returns>
    public static RunLeaseHolder ForThisProcess(TimeProvider? timeProvider = null) =>
        new(Environment.ProcessId, Environment.MachineName, Guid.NewGuid().ToString("N"),
            ThisProcessStartedAt.Value, (timeProvider ?? TimeProvider.System).GetUtcNow());

    /// <summary>
    /// Gets whether the holder still runs: on this host, its process exists and started when it says; in this process,
    /// its lease was not released; on another host, the lease was renewed within <see cref="StaleAfter"/>.
    /// </summary>
    /// <param name="renewedAt">When the lease was last renewed.</param>
    /// <param name="now">The current time.</param>
    /// <returns>Whether the holder is alive (a lease of a dead holder may be taken over).</returns>
    public bool IsAlive(DateTimeOffset renewedAt, DateTimeOffset now)
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.Ordinal))
        {
            return now - renewedAt < StaleAfter;
        }

        if (ProcessId == Environment.ProcessId)
        {
            return HeldHere.ContainsKey(Token);
        }

        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return !process.HasExited && Math.Abs((process.StartTime.ToUniversalTime() - ProcessStartedAt).TotalSeconds) < 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false; // no such process (or not ours to inspect): the lease is stale
        }
    }

    /// <summary>Describes the holder for messages.</summary>
    /// <returns>E.g. <c>process 4242 on host1 (since 2026-12-07 00:10:03Z)</c>.</returns>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"process {ProcessId} on {Host} (since {AcquiredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)");

    internal void MarkHeld() => HeldHere[Token] = 0;

    internal void MarkReleased() => HeldHere.TryRemove(Token, out _);
}

/// <summary>
/// A held run lease (<see cref="IRunStore.TryAcquireLeaseAsync"/>): while it is held, no other process (and no other
/// caller in this one) can run the same run; disposing releases it. A lease left by a process that died (killed,
/// crashed) is taken over by the next run.
/// </summary>
public sealed class RunLease : IAsyncDisposable
{
    private readonly IRunStore _store;
    private int _released;

    private RunLease(IRunStore store, string runId, RunLeaseHolder holder)
    {
        _store = store;
        RunId = runId;
        Holder = holder;
    }

    /// <summary>Gets the run id.</summary>
    public string RunId { get; }

    /// <summary>Gets this lease's holder.</summary>
    public RunLeaseHolder Holder { get; }

    /// <summary>Takes the lease of <paramref name="runId"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The lease.</returns>
    /// <exception cref="RunInUseException">Another live process (or caller) holds the lease.</exception>
    public static async Task<RunLease> AcquireAsync(IRunStore store, string runId, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runId);
        var holder = RunLeaseHolder.ForThisProcess(timeProvider);
        holder.MarkHeld();
        try
        {
            if (await store.TryAcquireLeaseAsync(runId, holder, cancellationToken).ConfigureAwait(false) is { } other)
            {
                throw new RunInUseException(runId, other);
            }
        }
        catch
        {
            holder.MarkReleased();
            throw;
        }

        return new RunLease(store, runId, holder);
    }

    /// <summary>Releases the lease (once; later calls do nothing).</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        try
        {
            await _store.ReleaseLeaseAsync(RunId, Holder, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Holder.MarkReleased();
        }
    }
}

/// <summary>The run is being run by another live process (or another caller in this one): one line naming the holder.</summary>
public sealed class RunInUseException : PromptOptInputException
{
    /// <summary>Initializes a new instance of the <see cref="RunInUseException"/> class.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="holder">The live holder.</param>
    public RunInUseException(string runId, RunLeaseHolder holder)
        : base($"run '{runId}' is being run by {holder?.Describe()}: wait for it to finish (or stop it) and run the command again; " +
            "a lease left by a process that died is taken over automatically")
    {
        ArgumentNullException.ThrowIfNull(holder);
        RunId = runId;
        Holder = holder;
    }

    /// <summary>Initializes a new instance of the <see cref="RunInUseException"/> class.</summary>
    public RunInUseException()
    {
        RunId = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="RunInUseException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RunInUseException(string message)
        : base(message)
    {
        RunId = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="RunInUseException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RunInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
        RunId = string.Empty;
    }

    /// <summary>Gets the run id.</summary>
    public string RunId { get; }

    /// <summary>Gets the live holder, or <see langword="null"/>.</summary>
    public RunLeaseHolder? Holder { get; }
}
