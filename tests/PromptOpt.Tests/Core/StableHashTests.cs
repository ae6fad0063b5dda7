using PromptOpt.Simulation;

namespace PromptOpt.Tests.Core;

public class StableHashTests
{
    /// <summary>
    /// Parts and the hashes the allocating implementation (UTF-8 byte array per part, ToString for numbers) gave for them:
    /// every simulated draw depends on these staying the same.
    /// </summary>
    public static TheoryData<object?[], ulong> Pinned() => new()
    {
        { [1, "prompt text", "task", "ex-17", 0, "correct"], 0x0C9205A61E3368BAUL },
        { [-42L, 3.25, 1e-7, 0.1 + 0.2, float.MaxValue, decimal.MinValue, ulong.MaxValue, SkillKind.Task, 'x', true], 0x2FD54DF2BA84C751UL },
        { [null, string.Empty, "é ü 中文 😀", "\ud800 lone high", "lone low \udc00", new string('a', 127) + "😀" + new string('b', 300)], 0xF1504603FE002564UL },
        {
            [new string('z', 128) + "\ud83d", "\ud83d" + new string('y', 127) + "\ude00", new DateTime(2026, 12, 2, 13, 0, 0, DateTimeKind.Utc), new Uri("http://127.0.0.1/v1")],
            0x81D18C04D4EB66DFUL
        },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public void Hash_IsUnchanged(object?[] parts, ulong expected)
    {
        Assert.Equal(expected, StableHash.Hash(parts));
    }
}
