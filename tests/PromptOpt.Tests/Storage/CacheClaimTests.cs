using System.Diagnostics;
using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Storage;
using PromptOpt.Tests.Models;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Storage;

/// <summary>
/// In-flight claims in the SQLite response cache (issue 16, item 1): two pipelines over two connections to one store
/// file (as two processes have) that miss on the same key at once pay once; a dead holder's claim is taken over; a failed
/// call releases its claim. The cross-process test with real child processes is in <c>Cli/ReliabilityTests</c>.
/// </summary>
public sealed class CacheClaimTests : IDisposable
{
    private static readonly TimeSpan CallTime = TimeSpan.FromMilliseconds(400);
    private readonly TempDirectory _dir = new();

    private string DbPath => Path.Combine(_dir.Path, "s.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task GetResponseAsync_TwoStoresOnOneFileMakeTheSameCallsAtOnce_EachCallIsPaidOnce()
    {
        using var storeA = new PromptOptStore(DbPath);
        using var storeB = new PromptOptStore(DbPath);
        var (a, innerA) = Pipeline(storeA);
        var (b, innerB) = Pipeline(storeB);
        var questions = Enumerable.Range(0, 8).Select(i => $"q{i}").ToList();

        var all = await Task.WhenAll(questions.Select(q => a.GetResponseAsync(Ask(q))).Concat(questions.Select(q => b.GetResponseAsync(Ask(q)))));

        Assert.Equal(questions.Count, innerA.CallCount + innerB.CallCount); // not 16: the loser of each key waited
        Assert.Equal(questions.Count, all.Count(r => r.IsCacheHit()));
        Assert.Equal(questions.Select(q => "answer " + q).Concat(questions.Select(q => "answer " + q)), all.Select(r => r.Text));
        Assert.Equal(0, await CountClaimsAsync());
    }

    [Fact]
    public async Task GetResponseAsync_ClaimLeftByAProcessThatDied_IsTakenOverAtOnce()
    {
        using var store = new PromptOptStore(DbPath);
        var (client, inner) = Pipeline(store);
        var key = ((ResponseCacheChatClient)client).GetCacheKey(Ask("q"), null);
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await exited.WaitForExitAsync();
        var dead = new RunLeaseHolder(exited.Id, Environment.MachineName, "dead", DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(-5));
        Assert.Equal(CacheClaimOutcome.Acquired, (await store.TryClaimAsync(key, dead, TimeSpan.FromHours(1))).Outcome); // the row a killed process left

        var response = await client.GetResponseAsync(Ask("q")).WaitAsync(TimeSpan.FromSeconds(20)); // not the claim's hour

        Assert.Equal(1, inner.CallCount);
        Assert.False(response.IsCacheHit());
        Assert.Equal(0, await CountClaimsAsync());
    }

    [Fact]
    public async Task GetResponseAsync_HolderCallFails_ReleasesItsClaimAndTheWaiterPaysOnce()
    {
        using var storeA = new PromptOptStore(DbPath);
        using var storeB = new PromptOptStore(DbPath);
        var failedAt = TimeSpan.MaxValue;
        var watch = Stopwatch.StartNew();
        var innerA = new FakeChatClient
        {
            OnGetResponse = async (_, _, ct) =>
            {
                await Task.Delay(CallTime, ct);
                failedAt = watch.Elapsed;
                throw new InvalidOperationException("the endpoint failed");
            },
        };
        var a = new ChatClientBuilder(innerA).UseResponseCache(storeA).Build();
        var (b, innerB) = Pipeline(storeB, onCall: () => Assert.True(watch.Elapsed >= failedAt, "the waiter called while the holder was still calling"));

        var holder = a.GetResponseAsync(Ask("q"));
        await WaitForClaimsAsync(1);
        var waiter = b.GetResponseAsync(Ask("q"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => holder);
        var response = await waiter;
        Assert.Equal("answer q", response.Text);
        Assert.Equal(1, innerA.CallCount);
        Assert.Equal(1, innerB.CallCount);
        Assert.Equal(0, await CountClaimsAsync());
    }

    [Fact]
    public async Task GetResponseAsync_HolderCancelled_ReleasesItsClaim()
    {
        using var store = new PromptOptStore(DbPath);
        var (client, _) = Pipeline(store);
        using var cts = new CancellationTokenSource();

        var call = client.GetResponseAsync(Ask("q"), cancellationToken: cts.Token);
        await WaitForClaimsAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, await CountClaimsAsync());
    }

    [Fact]
    public async Task GetResponseAsync_WaitingForALiveHolder_HonoursCancellation()
    {
        using var store = new PromptOptStore(DbPath);
        var (client, inner) = Pipeline(store);
        var key = ((ResponseCacheChatClient)client).GetCacheKey(Ask("q"), null);
        var other = RunLeaseHolder.ForThisProcess();
        other.MarkHeld(); // a live holder (another pipeline in this process) that never finishes
        try
        {
            Assert.Equal(CacheClaimOutcome.Acquired, (await store.TryClaimAsync(key, other, TimeSpan.FromHours(1))).Outcome);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Ask("q"), cancellationToken: cts.Token));

            Assert.Equal(0, inner.CallCount);
            Assert.Equal(CacheClaimOutcome.Held, (await store.TryClaimAsync(key, RunLeaseHolder.ForThisProcess(), TimeSpan.FromHours(1))).Outcome);
        }
        finally
        {
            other.MarkReleased();
        }
    }

    [Fact]
    public async Task GetResponseAsync_LiveHolderOverrunsTheClaimTimeout_IsTakenOverSoTheWaitIsBounded()
    {
        using var store = new PromptOptStore(DbPath);
        var inner = FakeChatClient.Replying(q => "answer " + q);
        var client = new ChatClientBuilder(inner).UseResponseCache(store, new ResponseCacheOptions { ClaimTimeout = TimeSpan.FromMilliseconds(300) }).Build();
        var key = ((ResponseCacheChatClient)client).GetCacheKey(Ask("q"), null);
        var hung = RunLeaseHolder.ForThisProcess();
        hung.MarkHeld();
        try
        {
            Assert.Equal(CacheClaimOutcome.Acquired, (await store.TryClaimAsync(key, hung, TimeSpan.FromMilliseconds(300))).Outcome);

            var response = await client.GetResponseAsync(Ask("q")).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal("answer q", response.Text);
            Assert.Equal(1, inner.CallCount);
        }
        finally
        {
            hung.MarkReleased();
        }
    }

    [Fact]
    public async Task TryClaimAsync_ExpiryAndHolders_FollowTheClockAndTheTokens()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var store = new PromptOptStore(DbPath, clock);
        var remote = new RunLeaseHolder(4242, "another-host", "remote", clock.GetUtcNow(), clock.GetUtcNow());
        var mine = RunLeaseHolder.ForThisProcess(clock);
        mine.MarkHeld();
        try
        {
            Assert.Equal(CacheClaimOutcome.Acquired, (await store.TryClaimAsync("k", remote, TimeSpan.FromMinutes(2))).Outcome);
            var held = await store.TryClaimAsync("k", mine, TimeSpan.FromMinutes(2));
            Assert.Equal(CacheClaimOutcome.Held, held.Outcome);
            Assert.Equal("remote", held.Holder?.Token);

            clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(CacheClaimOutcome.Acquired, (await store.TryClaimAsync("k", mine, TimeSpan.FromMinutes(2))).Outcome);
            Assert.Equal(CacheClaimOutcome.Held, (await store.TryClaimAsync("k", remote, TimeSpan.FromMinutes(2))).Outcome);

            await store.PutAsync("k", new CachedResponse("{}", "m", 1, 1)); // storing ends the claim
            Assert.Equal(0, await CountClaimsAsync());
            Assert.Equal(CacheClaimOutcome.Answered, (await store.TryClaimAsync("k", remote, TimeSpan.FromMinutes(2))).Outcome);
        }
        finally
        {
            mine.MarkReleased();
        }
    }

    [Fact]
    public async Task ReadOnlyStore_TakesNoClaims_AndAMissNeverWritesOne()
    {
        using (var store = new PromptOptStore(DbPath))
        {
            await store.PutAsync("other", new CachedResponse("{}", "m", 1, 1));
        }

        using var readOnly = PromptOptStore.OpenReadOnly(DbPath);
        var inner = new FakeChatClient { OnGetResponse = (_, _, _) => throw new InvalidOperationException("the response is not in the cache (cache-only model)") };
        var client = new ChatClientBuilder(inner).UseResponseCache(readOnly).Build();

        Assert.False(readOnly.CanClaim);
        await Assert.ThrowsAsync<InvalidOperationException>(() => readOnly.TryClaimAsync("k", RunLeaseHolder.ForThisProcess(), TimeSpan.FromMinutes(1)).AsTask());
        var miss = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Ask("q")));
        Assert.Contains("cache-only", miss.Message); // the inner client's failure, not a write to the read-only file
        Assert.Equal(1, inner.CallCount);
    }

    [Fact]
    public async Task GenerateAsync_TwoStoresOnOneFileEmbedTheSameInputsAtOnce_EachRequestIsPaidOnce()
    {
        using var storeA = new PromptOptStore(DbPath);
        using var storeB = new PromptOptStore(DbPath);
        var inner = new SlowEmbedder();
        using var a = new ResponseCacheEmbeddingGenerator(inner, storeA);
        using var b = new ResponseCacheEmbeddingGenerator(inner, storeB);
        var inputs = Enumerable.Range(0, 6).Select(i => new[] { $"prompt {i}" }).ToList();

        var all = await Task.WhenAll(inputs.Select(x => a.GenerateAsync(x)).Concat(inputs.Select(x => b.GenerateAsync(x))));

        Assert.Equal(inputs.Count, inner.Calls); // not 12: the loser of each key waited for the other store's answer
        Assert.Equal(inputs.Count, all.Count(r => r.AdditionalProperties?.ContainsKey(ChatOptionKeys.CacheHit) == true));
        Assert.Equal(all.Take(inputs.Count).Select(r => r[0].Vector.ToArray()), all.Skip(inputs.Count).Select(r => r[0].Vector.ToArray()));
        Assert.Equal(0, await CountClaimsAsync());
    }

    private sealed class SlowEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(CallTime, cancellationToken);
            return new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(new float[] { v.Length, v[^1] })));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("slow", null, "slow-embed") : null;

        public void Dispose()
        {
        }
    }

    private static List<ChatMessage> Ask(string text) => [new(ChatRole.User, text)];

    private static (IChatClient Client, FakeChatClient Inner) Pipeline(IResponseCache cache, Action? onCall = null)
    {
        var inner = new FakeChatClient
        {
            OnGetResponse = async (messages, _, ct) =>
            {
                onCall?.Invoke();
                await Task.Delay(CallTime, ct);
                return FakeChatClient.Response("answer " + messages[^1].Text, 10, 2);
            },
        };
        return (new ChatClientBuilder(inner).UseResponseCache(cache).Build(), inner);
    }

    private async Task<long> CountClaimsAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath};Pooling=False");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM cache_claims;";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task WaitForClaimsAsync(long count)
    {
        var deadline = Stopwatch.StartNew();
        while (await CountClaimsAsync() < count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "no claim was written");
            await Task.Delay(10);
        }
    }
}
