using System.Diagnostics.CodeAnalysis;

namespace PromptOpt.Storage;

/// <summary>
/// One run's checkpoints in memory (see <see cref="IRunCheckpointStore"/>): read once when the run starts, looked up
/// synchronously while it runs, and new ones written back by <see cref="SaveAsync"/> (e.g. after each step).
/// </summary>
/// <remarks>
/// A checkpoint is only ever a shortcut: whoever looks one up must key it by everything its value depends on, and
/// recompute when it is missing, so a lost write (a killed process) costs time, never a different result. Thread-safe.
/// </remarks>
public sealed class RunCheckpoints
{
    private readonly IRunCheckpointStore? _store;
    private readonly string? _runId;
    private readonly Dictionary<string, byte[]> _entries;
    private readonly List<string> _unsaved = [];
    private readonly Lock _gate = new();

    private RunCheckpoints(IRunCheckpointStore? store, string? runId, Dictionary<string, byte[]> entries)
    {
        _store = store;
        _runId = runId;
        _entries = entries;
    }

    /// <summary>Gets the number of checkpoints held (loaded and added).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Creates an empty set that is not persisted (a library run that is replayed in the same process, tests).</summary>
    /// <returns>The checkpoints.</returns>
    public static RunCheckpoints InMemory() => new(null, null, new(StringComparer.Ordinal));

    /// <summary>Loads the checkpoints of a run; new ones are saved to the same run.</summary>
    /// <param name="store">The store.</param>
    /// <param name="runId">The run id (the run must exist for <see cref="SaveAsync"/>).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The checkpoints.</returns>
    public static async Task<RunCheckpoints> OpenAsync(IRunCheckpointStore store, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runId);
        var stored = await store.GetCheckpointsAsync(runId, cancellationToken).ConfigureAwait(false);
        return new(store, runId, new Dictionary<string, byte[]>(stored, StringComparer.Ordinal));
    }

    /// <summary>Looks a checkpoint up.</summary>
    /// <param name="key">The key.</param>
    /// <param name="data">Receives the value (do not modify it).</param>
    /// <returns>Whether there is one.</returns>
    public bool TryGet(string key, [MaybeNullWhen(false)] out byte[] data)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _entries.TryGetValue(key, out data);
        }
    }

    /// <summary>Adds a checkpoint (kept in memory now, written by the next <see cref="SaveAsync"/>); the first value under a key wins.</summary>
    /// <param name="key">The key (non-empty).</param>
    /// <param name="data">The value (not copied: do not modify it afterwards).</param>
    public void Add(string key, byte[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(data);
        lock (_gate)
        {
            if (_entries.TryAdd(key, data))
            {
                _unsaved.Add(key);
            }
        }
    }

    /// <summary>Writes the checkpoints added since the last call to the store (nothing for <see cref="InMemory"/>).</summary>
    /// <remarks>Does not observe a cancellation token, like the run's other records: a cancelled run keeps what it computed.</remarks>
    /// <returns>A task.</returns>
    public async Task SaveAsync()
    {
        List<(string Key, byte[] Data)> batch;
        lock (_gate)
        {
            if (_unsaved.Count == 0)
            {
                return;
            }

            batch = _unsaved.Select(k => (k, _entries[k])).ToList();
            _unsaved.Clear();
        }

        if (_store is null)
        {
            return;
        }

        foreach (var (key, data) in batch)
        {
            await _store.SaveCheckpointAsync(_runId!, key, data, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
