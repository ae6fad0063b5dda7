using System.Text;

namespace PromptOpt.Simulation;

/// <summary>
/// Deterministic hashing for the simulator: every simulated draw is a pure function of its inputs
/// (world seed, normalised prompt text, example id, sample index, …), never of a shared random state.
/// </summary>
public static class SimHash
{
    /// <summary>Hashes the parts into 64 bits (XxHash64 over the UTF-8 parts with separators).</summary>
    /// <param name="parts">The parts (strings are hashed as UTF-8, other values by invariant string form).</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(params object?[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ulong h = 14695981039346656037UL; // FNV-1a 64 over UTF-8 with a separator, then a SplitMix64 finaliser
        foreach (var p in parts)
        {
            var s = p switch
            {
                null => "\u0000",
                string str => str,
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => p.ToString() ?? string.Empty,
            };
            foreach (var b in Encoding.UTF8.GetBytes(s))
            {
                h = (h ^ b) * 1099511628211UL;
            }

            h = (h ^ 0x1F) * 1099511628211UL;
        }

        h ^= h >> 30;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27;
        h *= 0x94D049BB133111EBUL;
        h ^= h >> 31;
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
