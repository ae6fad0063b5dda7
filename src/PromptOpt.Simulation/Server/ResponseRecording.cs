using System.Collections.Concurrent;

namespace PromptOpt.Simulation.Server;

/// <summary>
/// What a <see cref="SimulatorServer"/> answered, request by request: the exact request (path and body text) → the exact
/// response (status, content type and body bytes). A server started with <see cref="SimulatorServerOptions.RecordTo"/>
/// adds every answer it computes; one started with <see cref="SimulatorServerOptions.ReplayFrom"/> answers a recorded
/// request with the recorded bytes after its latency, without computing anything, and falls back to the live simulator
/// (counted as a miss) for a request it does not hold. Lets <c>bench cost answers=recorded</c> time an optimizer against
/// the loopback HTTP path without the simulator's own CPU in the latency window. Thread-safe.
/// </summary>
/// <remarks>
/// The key is the exact body, not a hash of it, so a hit can never be a collision; the cost is the bodies' memory, which
/// <see cref="Clear"/> gives back between runs. The first answer to a request is kept: a
/// second, different answer to the same body (only the <c>created</c> timestamp can differ, the simulator being a
/// function of the body) is counted in <see cref="Conflicts"/>, not stored.
/// </remarks>
internal sealed class ResponseRecording
{
    private readonly ConcurrentDictionary<string, RecordedResponse> _responses = new(StringComparer.Ordinal);
    private long _hits, _misses, _conflicts, _bytes;

    /// <summary>Gets how many distinct requests are recorded.</summary>
    public int Count => _responses.Count;

    /// <summary>Gets the recorded requests' and responses' size in bytes (keys as UTF-16 text, bodies as sent), about what the recording holds in memory.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Gets how many requests were answered from the recording.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Gets how many requests a replaying server did not find and answered live.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Gets how many times a recorded request was answered again with different bytes (the first answer is kept).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>Forgets every recorded response (the counters are kept).</summary>
    public void Clear()
    {
        _responses.Clear();
        Interlocked.Exchange(ref _bytes, 0);
    }

    /// <summary>Records an answer (the first one for a request is kept).</summary>
    /// <param name="path">The request path, e.g. <c>/v1/chat/completions</c>.</param>
    /// <param name="body">The request body, exactly as received.</param>
    /// <param name="response">The response sent.</param>
    public void Add(string path, string body, RecordedResponse response)
    {
        var key = Key(path, body);
        var kept = _responses.GetOrAdd(key, response);
        if (ReferenceEquals(kept, response))
        {
            Interlocked.Add(ref _bytes, (2L * key.Length) + response.Body.Length);
        }
        else if (!kept.SameAs(response))
        {
            Interlocked.Increment(ref _conflicts);
        }
    }

    /// <summary>Looks a request up, counting a hit or a miss.</summary>
    /// <param name="path">The request path.</param>
    /// <param name="body">The request body, exactly as received.</param>
    /// <param name="response">The recorded response, when there is one.</param>
    /// <returns>Whether the request was recorded.</returns>
    public bool TryReplay(string path, string body, out RecordedResponse response)
    {
        if (_responses.TryGetValue(Key(path, body), out response!))
        {
            Interlocked.Increment(ref _hits);
            return true;
        }

        Interlocked.Increment(ref _misses);
        return false;
    }

    private static string Key(string path, string body) => string.Concat(path, "\n", body);
}

/// <summary>A recorded HTTP response.</summary>
/// <param name="Status">The status code.</param>
/// <param name="ContentType">The content type, if one was set.</param>
/// <param name="Body">The body bytes, exactly as sent.</param>
internal sealed record RecordedResponse(int Status, string? ContentType, byte[] Body)
{
    /// <summary>Gets whether another response has the same status, content type and bytes.</summary>
    /// <param name="other">The other response.</param>
    /// <returns>Whether they are the same.</returns>
    public bool SameAs(RecordedResponse other) =>
        Status == other.Status && ContentType == other.ContentType && Body.AsSpan().SequenceEqual(other.Body);
}
