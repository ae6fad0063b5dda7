using PromptOpt.Data;

namespace PromptOpt.Simulation;

/// <summary>One example in the answer key.</summary>
/// <param name="Task">The task.</param>
/// <param name="Example">The example.</param>
internal sealed record KeyEntry(SimTask Task, Example Example);

/// <summary>Where an example's input was found in a request.</summary>
/// <param name="Entry">The example.</param>
/// <param name="Start">The start of the input in the searched text.</param>
internal sealed record KeyMatch(KeyEntry Entry, int Start)
{
    public int Length => Entry.Example.Input.Length;
}

/// <summary>
/// The answer key (SIMULATOR.md: "found by the example's input text inside the request"). Inputs of at least
/// <see cref="WindowLength"/> characters are indexed by their first <see cref="WindowLength"/> characters; shorter
/// inputs by their whole text. A lookup slides a window over the request once (span lookups, no allocation) and
/// verifies candidates, so its cost depends on the request length, not on the number of examples. Short inputs must
/// stand as whole words (no letter or digit on either side). Of several matches the longest input wins, then the
/// latest position (the question usually follows the instruction and any demos), then the first registered.
/// </summary>
internal sealed class AnswerKey
{
    public const int WindowLength = 24;

    private readonly Dictionary<string, List<KeyEntry>> _byPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<KeyEntry>> _short = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<KeyEntry>> _exact = new(StringComparer.Ordinal);
    private readonly SortedSet<int> _shortLengths = [];

    public int Count { get; private set; }

    public void Add(SimTask task)
    {
        foreach (var e in task.Definition.Dataset.All)
        {
            if (e.Input.Length == 0)
            {
                continue;
            }

            var entry = new KeyEntry(task, e);
            Bucket(_exact, e.Input).Add(entry);
            if (e.Input.Length >= WindowLength)
            {
                Bucket(_byPrefix, e.Input[..WindowLength]).Add(entry);
            }
            else
            {
                Bucket(_short, e.Input).Add(entry);
                _shortLengths.Add(e.Input.Length);
            }

            Count++;
        }
    }

    /// <summary>Finds examples whose input is exactly <paramref name="input"/>.</summary>
    public IReadOnlyList<KeyEntry> FindExact(string input) =>
        _exact.TryGetValue(input, out var list) ? list : [];

    /// <summary>Finds the example whose input occurs in <paramref name="text"/> (see the class remarks for ties).</summary>
    public KeyMatch? Find(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (_exact.TryGetValue(text, out var whole))
        {
            return new KeyMatch(whole[0], 0);
        }

        KeyMatch? best = null;
        var span = text.AsSpan();
        var prefixLookup = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int i = 0; i + WindowLength <= span.Length; i++)
        {
            if (prefixLookup.TryGetValue(span.Slice(i, WindowLength), out var candidates))
            {
                foreach (var c in candidates)
                {
                    if (span[i..].StartsWith(c.Example.Input, StringComparison.Ordinal))
                    {
                        best = Better(best, new KeyMatch(c, i));
                    }
                }
            }
        }

        if (best is not null || _short.Count == 0)
        {
            return best;
        }

        var shortLookup = _short.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int i = 0; i < span.Length; i++)
        {
            if (i > 0 && char.IsLetterOrDigit(span[i - 1]))
            {
                continue;
            }

            foreach (var len in _shortLengths)
            {
                if (i + len > span.Length)
                {
                    break;
                }

                if ((i + len == span.Length || !char.IsLetterOrDigit(span[i + len]))
                    && shortLookup.TryGetValue(span.Slice(i, len), out var list))
                {
                    best = Better(best, new KeyMatch(list[0], i));
                }
            }
        }

        return best;
    }

    private static KeyMatch Better(KeyMatch? current, KeyMatch candidate) =>
        current is null || candidate.Length > current.Length || (candidate.Length == current.Length && candidate.Start > current.Start)
            ? candidate
            : current;

    private static List<KeyEntry> Bucket(Dictionary<string, List<KeyEntry>> map, string key)
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map[key] = list;
        }

        return list;
    }
}
