using System.Globalization;
using System.Text;

namespace PromptOpt;

/// <summary>
/// Deterministic, seeded hashing: every seeded draw (dataset splits, generated tasks, environment rewards and the
/// simulator's draws) is a pure function of its inputs (seed, normalised text, example id, sample index, …), never of
/// a shared random state. Values are pinned by tests: changing them changes every split and every simulated result.
/// </summary>
internal static class StableHash
{
    /// <summary>Hashes the parts into 64 bits (XxHash64 over the UTF-8 parts with separators).</summary>
    /// <param name="parts">The parts (strings are hashed as UTF-8, other values by invariant string form).</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(params object?[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ulong h = 14695981039346656037UL; // FNV-1a 64 over UTF-8 with a separator, then a SplitMix64 finaliser
        Span<char> chars = stackalloc char[64];
        foreach (var p in parts)
        {
            // Numbers are formatted into a stack buffer (the same invariant text ToString gives), strings hashed in place.
            ReadOnlySpan<char> s = p switch
            {
                null => "\u0000",
                string str => str,
                ISpanFormattable f when f.TryFormat(chars, out int written, default, CultureInfo.InvariantCulture) => chars[..written],
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => p.ToString() ?? string.Empty,
            };
            h = HashUtf8(h, s);
            h = (h ^ 0x1F) * 1099511628211UL;
        }

        return Finalize(h);
    }

    /// <summary>The SplitMix64 finaliser applied to an FNV-1a state (shared with the hashing embedder's feature hash).</summary>
    /// <param name="h">The FNV-1a state.</param>
    /// <returns>The mixed hash.</returns>
    internal static ulong Finalize(ulong h)
    {
        h ^= h >> 30;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27;
        h *= 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return h;
    }

    /// <summary>Folds the UTF-8 bytes of <paramref name="text"/> into an FNV-1a state, encoding through a small stack buffer.</summary>
    private static ulong HashUtf8(ulong h, ReadOnlySpan<char> text)
    {
        Span<byte> bytes = stackalloc byte[512];
        while (!text.IsEmpty)
        {
            // Encode at most 128 chars at a time (≤ 3 bytes each, a surrogate pair 4 bytes per 2 chars), never splitting a pair.
            int take = Math.Min(text.Length, 128);
            if (take < text.Length && char.IsHighSurrogate(text[take - 1]))
            {
                take--;
            }

            int n = Encoding.UTF8.GetBytes(text[..take], bytes);
            foreach (var b in bytes[..n])
            {
                h = (h ^ b) * 1099511628211UL;
            }

            text = text[take..];
        }

        return h;
    }

    /// <summary>A uniform draw in [0, 1) from the parts.</summary>
    /// <param name="parts">The parts.</param>
    /// <returns>u in [0, 1).</returns>
    public static double Uniform(params object?[] parts) => (Hash(parts) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal draw from the parts (Box–Muller on two derived uniforms).</summary>
    /// <param name="parts">The parts.</param>
    /// <returns>z ~ N(0, 1).</returns>
    public static double Normal(params object?[] parts)
    {
        var h = Hash(parts);
        double u1 = ((h >> 11) + 1.0) / ((1UL << 53) + 1.0);
        double u2 = (Hash(h, "normal-2") >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A seeded <see cref="Random"/> derived from the parts (for multi-draw simulated operations).</summary>
    /// <param name="parts">The parts.</param>
    /// <returns>A new, deterministic random source.</returns>
    public static Random Rng(params object?[] parts) => new((int)(Hash(parts) & 0x7FFF_FFFF));

    /// <summary>Normalises prompt text for hashing: trims, collapses runs of whitespace, lower-cases.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalised text.</returns>
    public static string Normalize(string? text) => TextNormalization.CollapseLower(text);
}
