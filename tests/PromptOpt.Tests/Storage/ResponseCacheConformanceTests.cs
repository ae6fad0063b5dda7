using PromptOpt.Storage;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Storage;

/// <summary>The <see cref="IResponseCache"/> contract, run against every implementation.</summary>
public abstract class ResponseCacheConformanceTests
{
    protected abstract IResponseCache Cache { get; }

    [Fact]
    public async Task TryGetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Cache.TryGetAsync("v1-none"));
    }

    [Fact]
    public async Task PutAsync_ThenTryGet_RoundTripsEveryField()
    {
        var entry = new CachedResponse("""{"messages":[]}""", "gpt-4o-mini", 123, 45);

        await Cache.PutAsync("k", entry);

        Assert.Equal(entry, await Cache.TryGetAsync("k"));
    }

    [Fact]
    public async Task PutAsync_SameKeyTwice_FirstWins()
    {
        await Cache.PutAsync("k", new CachedResponse("first", null, 1, 1));
        await Cache.PutAsync("k", new CachedResponse("second", null, 2, 2));

        Assert.Equal("first", (await Cache.TryGetAsync("k"))!.ResponseJson);
    }

    [Fact]
    public async Task PutAsync_1000ParallelWrites_AllReadable()
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await Cache.PutAsync($"key-{i}", new CachedResponse($"r{i}", "m", i, 2 * i), ct));

        for (int i = 0; i < 1000; i += 37)
        {
            var hit = await Cache.TryGetAsync($"key-{i}");
            Assert.Equal(new CachedResponse($"r{i}", "m", i, 2 * i), hit);
        }
    }

    [Fact]
    public async Task TryGetAsync_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Cache.TryGetAsync("k", cts.Token));
    }
}

public sealed class InMemoryResponseCacheConformanceTests : ResponseCacheConformanceTests
{
    protected override IResponseCache Cache { get; } = new InMemoryResponseCache();
}

public sealed class SqliteResponseCacheConformanceTests : ResponseCacheConformanceTests, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PromptOptStore _store;

    public SqliteResponseCacheConformanceTests() => _store = new PromptOptStore(Path.Combine(_dir.Path, "cache.db"));

    protected override IResponseCache Cache => _store;

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }
}
