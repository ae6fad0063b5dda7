using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Tests.Models;

public sealed class UsageTrackingChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_ConcurrentCallsOverTaskBudget_NeverExceedBudget()
    {
        var meter = new UsageMeter(new OptimizationBudget { MaxTaskCalls = 5 });
        var inner = new CountingChatClient();
        int concurrent = 0, maxConcurrent = 0;
        inner.OnGetResponse = async (m, _, ct) =>
        {
            var now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref maxConcurrent, now);
            await Task.Delay(20, ct);
            Interlocked.Decrement(ref concurrent);
            return CountingChatClient.Reply("x");
        };
        using var client = new UsageTrackingChatClient(inner, meter);

        var calls = Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await client.GetResponseAsync([new ChatMessage(ChatRole.User, $"q{i}")]);
                return true;
            }
            catch (BudgetExhaustedException)
            {
                return false;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal(5, outcomes.Count(o => o));
        Assert.Equal(5, inner.Calls);
        Assert.True(maxConcurrent <= 5);
        Assert.Equal(5, meter.Snapshot().For(ModelRoles.Task).Calls);
        Assert.Equal(0, meter.InFlight);
        var after = await Assert.ThrowsAsync<BudgetExhaustedException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "late")]));
        Assert.Contains("task-call budget of 5", after.Message);
    }

    [Fact]
    public async Task GetResponseAsync_InnerFails_ReleasesReservation()
    {
        var meter = new UsageMeter();
        var inner = new CountingChatClient { OnGetResponse = (_, _, _) => throw new InvalidOperationException("boom") };
        using var client = new UsageTrackingChatClient(inner, meter, ModelRoles.Optimizer);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]));

        Assert.Equal(0, meter.InFlight);
        Assert.Equal(1, meter.Snapshot().For(ModelRoles.Optimizer).Calls);
        Assert.Equal(0, meter.Snapshot().For(ModelRoles.Optimizer).PaidCalls);
    }

    [Fact]
    public async Task GetResponseAsync_RoleTag_OverridesDefaultRole()
    {
        var meter = new UsageMeter();
        using var client = new UsageTrackingChatClient(new CountingChatClient(), meter, ModelRoles.Optimizer);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], new ChatOptions().WithPromptOpt(ModelRoles.Agent));
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);

        Assert.Equal(1, meter.Snapshot().For(ModelRoles.Agent).PaidCalls);
        Assert.Equal(1, meter.Snapshot().For(ModelRoles.Optimizer).PaidCalls);
        Assert.Equal(10, meter.Snapshot().For(ModelRoles.Agent).InputTokens);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
