using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Storage;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Models;

/// <summary>The caching middleware's behaviour, run over every <see cref="IResponseCache"/>.</summary>
public abstract class CachingChatClientTests
{
    protected abstract IResponseCache Cache { get; }

    private (IChatClient Client, CountingChatClient Inner, UsageMeter Meter) Build()
    {
        var inner = new CountingChatClient();
        var meter = new UsageMeter();
        var client = new ChatClientBuilder(inner).UseUsageTracking(meter).UseResponseCache(Cache).Build();
        return (client, inner, meter);
    }

    private static List<ChatMessage> Ask(string text) => [new(ChatRole.User, text)];

    [Fact]
    public async Task EvaluateAsync_SecondIdenticalEvaluation_MakesNoInnerCallsAndSameResults()
    {
        var (client, inner, meter) = Build();
        var examples = TestData.Examples(12);
        var metric = new ExactMatchMetric();

        var first = await Evaluator.EvaluateAsync(client, TestData.Prompt, examples, metric);
        int callsAfterFirst = inner.Calls;
        var second = await Evaluator.EvaluateAsync(client, TestData.Prompt, examples, metric);

        Assert.Equal(12, callsAfterFirst);
        Assert.Equal(callsAfterFirst, inner.Calls);
        Assert.Equal(first.Score, second.Score);
        Assert.Equal(first.Results.Select(r => (r.Response, r.Score, r.InputTokens, r.OutputTokens)),
            second.Results.Select(r => (r.Response, r.Score, r.InputTokens, r.OutputTokens)));
        Assert.Equal(0, first.CacheHits);
        Assert.Equal(12, second.CacheHits);
        var usage = meter.Snapshot().For(ModelRoles.Task);
        Assert.Equal(24, usage.Calls);
        Assert.Equal(12, usage.PaidCalls);
        Assert.Equal(12, usage.CachedCalls);
    }

    [Fact]
    public async Task GetResponseAsync_Hit_IsTaggedAndCarriesOriginalUsage()
    {
        var (client, _, _) = Build();

        var miss = await client.GetResponseAsync(Ask("hello"));
        var hit = await client.GetResponseAsync(Ask("hello"));

        Assert.False(miss.IsCacheHit());
        Assert.True(hit.IsCacheHit());
        Assert.Equal(miss.Text, hit.Text);
        Assert.Equal(10, hit.Usage!.InputTokenCount);
        Assert.Equal(5, hit.Usage.OutputTokenCount);
        Assert.Equal("fake-model", hit.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_DifferentTemperature_IsMiss()
    {
        var (client, inner, _) = Build();

        await client.GetResponseAsync(Ask("q"), new ChatOptions { Temperature = 0 });
        await client.GetResponseAsync(Ask("q"), new ChatOptions { Temperature = 0.7f });

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_DifferentSampleIndexAboveZeroTemperature_IsMiss()
    {
        var (client, inner, _) = Build();

        await client.GetResponseAsync(Ask("q"), new ChatOptions { Temperature = 0.7f }.WithPromptOpt(ModelRoles.Task, sampleIndex: 0));
        await client.GetResponseAsync(Ask("q"), new ChatOptions { Temperature = 0.7f }.WithPromptOpt(ModelRoles.Task, sampleIndex: 1));
        await client.GetResponseAsync(Ask("q"), new ChatOptions { Temperature = 0.7f }.WithPromptOpt(ModelRoles.Task, sampleIndex: 1));

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_SampleIndexAtTemperatureZero_IsHit()
    {
        var (client, inner, _) = Build();

        await client.GetResponseAsync(Ask("q"), new ChatOptions { Temperature = 0 }.WithPromptOpt(ModelRoles.Task, sampleIndex: 0));
        await client.GetResponseAsync(Ask("q"), new ChatOptions { Temperature = 0 }.WithPromptOpt(ModelRoles.Task, sampleIndex: 3));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_DifferentOptionsOrOperation_IsMiss()
    {
        var (client, inner, _) = Build();
        var op1 = new LlmOperation("propose", new JsonObject { ["k"] = 1 });
        var op2 = new LlmOperation("propose", new JsonObject { ["k"] = 2 });

        await client.GetResponseAsync(Ask("q"), new ChatOptions().WithPromptOpt(ModelRoles.Optimizer, op1));
        await client.GetResponseAsync(Ask("q"), new ChatOptions().WithPromptOpt(ModelRoles.Optimizer, op1));
        await client.GetResponseAsync(Ask("q"), new ChatOptions().WithPromptOpt(ModelRoles.Optimizer, op2));
        await client.GetResponseAsync(Ask("q"), new ChatOptions { MaxOutputTokens = 10 });
        await client.GetResponseAsync(Ask("q"), new ChatOptions { TopP = 0.5f });
        await client.GetResponseAsync(Ask("q"), new ChatOptions { StopSequences = ["x"] });
        await client.GetResponseAsync(Ask("q"), new ChatOptions { Seed = 1 });
        await client.GetResponseAsync(Ask("q"), new ChatOptions { ResponseFormat = ChatResponseFormat.Json });
        await client.GetResponseAsync([new(ChatRole.System, "q")]);

        Assert.Equal(8, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_FailingCall_IsNotCached()
    {
        var (client, inner, _) = Build();
        int attempt = 0;
        inner.OnGetResponse = (m, _, _) => Interlocked.Increment(ref attempt) == 1
            ? throw new ModelCallException("500 Internal Server Error from x: server error", 500, true, null, null)
            : Task.FromResult(CountingChatClient.Reply("ok"));

        await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync(Ask("q")));
        var second = await client.GetResponseAsync(Ask("q"));
        var third = await client.GetResponseAsync(Ask("q"));

        Assert.Equal(2, attempt);
        Assert.False(second.IsCacheHit());
        Assert.True(third.IsCacheHit());
    }

    [Fact]
    public async Task GetResponseAsync_ConcurrentIdenticalMisses_CallInnerOnce()
    {
        var (client, inner, meter) = Build();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        inner.OnGetResponse = async (m, _, _) =>
        {
            await gate.Task;
            return CountingChatClient.Reply("shared");
        };

        var calls = Enumerable.Range(0, 8).Select(_ => client.GetResponseAsync(Ask("same"))).ToList();
        await Task.Delay(50);
        gate.SetResult();
        var responses = await Task.WhenAll(calls);

        Assert.Equal(1, inner.Calls);
        Assert.All(responses, r => Assert.Equal("shared", r.Text));
        Assert.Equal(7, responses.Count(r => r.IsCacheHit()));
        Assert.Equal(7, meter.Snapshot().For(ModelRoles.Task).CachedCalls);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancelledAfterPaidCall_StillStoresResponse()
    {
        var (client, inner, _) = Build();
        using var cts = new CancellationTokenSource();
        inner.OnGetResponse = (m, _, _) =>
        {
            cts.Cancel(); // the caller gives up while the provider answers
            return Task.FromResult(CountingChatClient.Reply("paid"));
        };

        await client.GetResponseAsync(Ask("q"), cancellationToken: cts.Token);
        var again = await client.GetResponseAsync(Ask("q"));

        Assert.Equal(1, inner.Calls);
        Assert.True(again.IsCacheHit());
    }

    [Fact]
    public async Task GetResponseAsync_ConversationId_BypassesCache()
    {
        var (client, inner, _) = Build();

        await client.GetResponseAsync(Ask("q"), new ChatOptions { ConversationId = "c1" });
        await client.GetResponseAsync(Ask("q"), new ChatOptions { ConversationId = "c1" });

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public void GetCacheKey_IsVersionedAndIndependentOfPropertyOrder()
    {
        var (_, inner, _) = Build();
        using var caching = new ResponseCacheChatClient(inner, Cache);
        var a = new ChatOptions { AdditionalProperties = new() { ["x"] = 1, ["y"] = "2" } };
        var b = new ChatOptions { AdditionalProperties = new() { ["y"] = "2", ["x"] = 1 } };

        var keyA = caching.GetCacheKey(Ask("q"), a);

        Assert.StartsWith($"v{ResponseCacheChatClient.CacheFormatVersion}-", keyA);
        Assert.Equal(keyA, caching.GetCacheKey(Ask("q"), b));
        Assert.NotEqual(keyA, caching.GetCacheKey(Ask("q2"), b));
    }
}

public sealed class CachingChatClientInMemoryTests : CachingChatClientTests
{
    protected override IResponseCache Cache { get; } = new InMemoryResponseCache();
}

public sealed class CachingChatClientSqliteTests : CachingChatClientTests, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PromptOptStore _store;

    public CachingChatClientSqliteTests() => _store = new PromptOptStore(Path.Combine(_dir.Path, "cache.db"));

    protected override IResponseCache Cache => _store;

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }
}
