namespace PromptOpt.Storage;

/// <summary>
/// Stores a run's checkpoints: values the run computed deterministically from what it had seen (e.g. EXPO's fitted
/// score-network outputs of each step), each under a key that names everything the value depends on, so that a replay
/// of the run can take them instead of recomputing them (<see cref="RunCheckpoints"/>).
/// </summary>
/// <remarks>
/// Checkpoints belong to the run (deleted with it) but, unlike events and candidates, survive
/// <see cref="IRunStore.ClearProgressAsync"/>: a resumed run replays its progress and needs them to skip the work.
/// The first value stored under a key wins. Implementations are thread-safe; a write is durable when its task completes.
/// </remarks>
public interface IRunCheckpointStore
{
    /// <summary>Saves a checkpoint of a run, unless one is stored under <paramref name="key"/> already.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="key">The key (non-empty).</param>
    /// <param name="data">The value.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    /// <exception cref="KeyNotFoundException">The run does not exist.</exception>
    Task SaveCheckpointAsync(string runId, string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Gets every checkpoint of a run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The checkpoints by key (empty for an unknown run).</returns>
    Task<IReadOnlyDictionary<string, byte[]>> GetCheckpointsAsync(string runId, CancellationToken cancellationToken = default);
}
