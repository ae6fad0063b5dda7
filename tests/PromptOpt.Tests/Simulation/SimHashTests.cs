using System.Globalization;
using System.Text;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Simulation;

public class SimHashTests
{
    public static TheoryData<object?[]> Parts() => new()
    {
        new object?[] { 1, "prompt text", "task", "ex-17", 0, "correct" },
        new object?[] { -42L, 3.25, 1e-7, 0.1 + 0.2, float.MaxValue, decimal.MinValue, ulong.MaxValue, SkillKind.Task, 'x', true },
        new object?[] { null, string.Empty, "é ü 中文 😀", "\ud800 lone high", "lone low \udc00", new string('a', 127) + "😀" + new string('b', 300) },
        new object?[] { new string('z', 128) + "\ud83d", "\ud83d" + new string('y', 127) + "\ude00", new DateTime(2026, 12, 2, 13, 0, 0, DateTimeKind.Utc), new Uri("http://127.0.0.1/v1") },
    };

    [Theory]
    [MemberData(nameof(Parts))]
    public void Hash_EqualsTheDocumentedDefinition(object?[] parts)
    {
        Assert.Equal(Reference(parts), SimHash.Hash(parts));
    }

    /// <summary>The definition the simulator's draws were made with: FNV-1a 64 over each part's UTF-8 string form, a separator, SplitMix64.</summary>
    private static ulong Reference(object?[] parts)
    {
        ulong h = 14695981039346656037UL;
        foreach (var p in parts)
        {
            var s = p switch
            {
                null => "\u0000",
                string str => str,
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
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
}
