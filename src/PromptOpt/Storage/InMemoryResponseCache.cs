using System.Collections.Concurrent;

namespace PromptOpt.Storage;

/// <summary>A thread-safe in-process <see cref="IResponseCache"/> (for tests and one-off runs; nothing survives the process).</summary>
public sealed class InMemoryResponseCache : IResponseCache
{
    private readonly ConcurrentDictionary<string, CachedResponse> _entries = new(StringComparer.Ordinal);

    /// <summary>Gets the number of entries.</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask<CachedResponse?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_entries.TryGetValue(key, out var hit) ? hit : null);
    }

    /// <inheritdoc />
    /// <remarks>The first entry stored under a key wins, as in <see cref="PromptOptStore"/>.</remarks>
    public ValueTask PutAsync(string key, CachedResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        _entries.TryAdd(key, response);
        return ValueTask.CompletedTask;
    }

    /// <summary>Removes every entry.</summary>
    public void Clear() => _entries.Clear();
}
