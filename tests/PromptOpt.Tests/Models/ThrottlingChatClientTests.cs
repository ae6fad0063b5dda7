using Microsoft.Extensions.AI;

namespace PromptOpt.Tests.Models;

public sealed class ThrottlingChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_ManyConcurrentCalls_NeverExceedsLimit()
    {
        var inner = new CountingChatClient();
        int concurrent = 0, max = 0;
        inner.OnGetResponse = async (m, _, ct) =>
        {
            var now = Interlocked.Increment(ref concurrent);
            lock (inner)
            {
                max = Math.Max(max, now);
            }

            await Task.Delay(10, ct);
            Interlocked.Decrement(ref concurrent);
            return CountingChatClient.Reply("x");
        };
        using var client = new PromptOpt.Models.ThrottlingChatClient(inner, 3);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.GetResponseAsync([new ChatMessage(ChatRole.User, $"q{i}")])));

        Assert.Equal(20, inner.Calls);
        Assert.InRange(max, 1, 3);
    }

    [Fact]
    public void Ctor_ZeroLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromptOpt.Models.ThrottlingChatClient(new CountingChatClient(), 0));
    }
}
