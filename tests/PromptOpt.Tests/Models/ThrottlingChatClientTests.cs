using Microsoft.Extensions.AI;
using PromptOpt.Models;

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
    public async Task GetResponseAsync_TestRoleWaiting_YieldsTheSlotToLaterCallsOfOtherRoles()
    {
        // Issue 17: test scoring waits in a background lane, so it only fills slots nothing else is waiting for.
        var inner = new CountingChatClient();
        var order = new List<string>();
        var hold = new TaskCompletionSource();
        inner.OnGetResponse = async (m, _, _) =>
        {
            lock (order)
            {
                order.Add(m[^1].Text);
            }

            if (m[^1].Text == "first")
            {
                await hold.Task;
            }

            return CountingChatClient.Reply("x");
        };
        using var client = new ThrottlingChatClient(inner, 1);
        var first = client.GetResponseAsync([new ChatMessage(ChatRole.User, "first")]);
        var test = client.GetResponseAsync([new ChatMessage(ChatRole.User, "test")], new ChatOptions().WithPromptOpt(ModelRoles.Test));
        var task = client.GetResponseAsync([new ChatMessage(ChatRole.User, "task")], new ChatOptions().WithPromptOpt(ModelRoles.Task));
        Assert.False(test.IsCompleted);
        Assert.False(task.IsCompleted);

        hold.SetResult();
        await Task.WhenAll(first, test, task);

        Assert.Equal(["first", "task", "test"], order);
    }

    [Fact]
    public async Task GetResponseAsync_TestRoleWithAFreeSlot_RunsAtOnce()
    {
        var inner = new CountingChatClient();
        using var client = new ThrottlingChatClient(inner, 2);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "test")], new ChatOptions().WithPromptOpt(ModelRoles.Test));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CancelledWhileWaiting_LeavesTheQueueAndKeepsTheSlot()
    {
        var inner = new CountingChatClient();
        var hold = new TaskCompletionSource();
        inner.OnGetResponse = async (m, _, _) =>
        {
            if (m[^1].Text == "first")
            {
                await hold.Task;
            }

            return CountingChatClient.Reply("x");
        };
        using var client = new ThrottlingChatClient(inner, 1);
        using var cts = new CancellationTokenSource();
        var first = client.GetResponseAsync([new ChatMessage(ChatRole.User, "first")]);
        var waiting = client.GetResponseAsync([new ChatMessage(ChatRole.User, "cancelled")], new ChatOptions().WithPromptOpt(ModelRoles.Test), cts.Token);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        hold.SetResult();
        await first;
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "after")]);

        Assert.Equal(2, inner.Calls); // "first" and "after"; the cancelled call never reached the model
    }

    [Fact]
    public void Ctor_ZeroLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromptOpt.Models.ThrottlingChatClient(new CountingChatClient(), 0));
    }
}
