using Microsoft.Data.Sqlite;
using PromptOpt.Storage;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Storage;

public sealed class PromptOptStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DbPath => Path.Combine(_dir.Path, "nested", "promptopt.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ctor_NewFile_CreatesDirectorySchemaVersionAndWal()
    {
        using var store = new PromptOptStore(DbPath);

        Assert.True(File.Exists(DbPath));
        Assert.Equal(PromptOptStore.SchemaVersion, store.GetStoredSchemaVersion());
        Assert.Equal("wal", store.GetJournalMode());
    }

    [Fact]
    public async Task Ctor_Reopen_KeepsEverything()
    {
        using (var store = new PromptOptStore(DbPath))
        {
            await store.PutAsync("k", new CachedResponse("{}", "m", 1, 2));
            await store.CreateOrOpenRunAsync(new RunStart("r", "opro", "{}", 3, new Dictionary<string, string>()));
            await store.SaveCandidateAsync("r", 0, "{}", 0.5);
        }

        using var reopened = new PromptOptStore(DbPath);

        Assert.NotNull(await reopened.TryGetAsync("k"));
        Assert.True((await reopened.CreateOrOpenRunAsync(new RunStart("r", "opro", "{}", 3, new Dictionary<string, string>()))).Existed);
        Assert.Equal(0.5, (await reopened.ListRunsAsync()).Single().BestScore);
        Assert.Equal(1, await reopened.CountCacheEntriesAsync());
    }

    [Fact]
    public async Task PutAsync_Committed_VisibleToAnotherConnectionImmediately()
    {
        using var store = new PromptOptStore(DbPath);

        await store.PutAsync("k", new CachedResponse("{}", "m", 1, 2));

        // A second, independent connection (as after a SIGKILL and restart) sees the committed row.
        using var other = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        other.Open();
        using var cmd = other.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM response_cache WHERE key = 'k';";
        Assert.Equal(1L, (long)cmd.ExecuteScalar()!);
    }

    [Fact]
    public async Task Writes_QueuedDuringACommit_AreCommittedTogether_EachVisibleWhenItsTaskCompletes()
    {
        using var store = new PromptOptStore(DbPath);
        var holder = RunLeaseHolder.ForThisProcess(TimeProvider.System);
        await store.PutAsync("warm", new CachedResponse("{}", "m", 1, 1));
        long before = store.GroupCommits;
        Assert.Equal(1, before); // a lone write commits at once, alone

        Task[] writes;
        using (store.HoldForTest())
        {
            // Other threads' writes queue while the store is busy (here: held by this thread).
            writes =
            [
                .. Enumerable.Range(0, 20).Select(i => Task.Run(async () => await store.PutAsync($"k{i}", new CachedResponse($"{{\"i\":{i}}}", "m", i, 1)))),
                .. Enumerable.Range(0, 10).Select(i => Task.Run(async () => await store.TryClaimAsync($"c{i}", holder, TimeSpan.FromMinutes(1)))),
            ];
            await WaitUntilAsync(() => store.PendingWrites == writes.Length);
            Assert.All(writes, w => Assert.False(w.IsCompleted)); // nothing completes before its commit
        }

        await Task.WhenAll(writes);

        Assert.Equal(before + 1, store.GroupCommits); // one transaction for all 30
        using var other = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        other.Open();
        using var cmd = other.CreateCommand();
        cmd.CommandText = "SELECT (SELECT COUNT(*) FROM response_cache), (SELECT COUNT(*) FROM cache_claims);";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(21L, r.GetInt64(0));
        Assert.Equal(10L, r.GetInt64(1));
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(
            CacheClaimOutcome.Acquired, ((Task<CacheClaim>)writes[20 + i]).Result.Outcome));
    }

    [Fact]
    public async Task Writes_OneFailsInABatch_OnlyItsOwnTaskFails_TheOthersAreCommitted()
    {
        using var store = new PromptOptStore(DbPath);
        Task first, failing, last;
        using (store.HoldForTest())
        {
            first = Task.Run(async () => await store.PutAsync("a", new CachedResponse("{}", "m", 1, 1)));
            await WaitUntilAsync(() => store.PendingWrites == 1);
            failing = Task.Run(() => store.WriteForTestAsync<int>(() => throw new InvalidOperationException("this write fails")));
            await WaitUntilAsync(() => store.PendingWrites == 2);
            last = Task.Run(async () => await store.PutAsync("b", new CachedResponse("{}", "m", 1, 1)));
            await WaitUntilAsync(() => store.PendingWrites == 3);
        }

        await first;
        await last;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("this write fails", error.Message);
        Assert.NotNull(await store.TryGetAsync("a"));
        Assert.NotNull(await store.TryGetAsync("b"));
        Assert.Equal(2, await store.CountCacheEntriesAsync());
    }

    [Fact]
    public async Task Dispose_CommitsTheWritesStillQueued()
    {
        var store = new PromptOptStore(DbPath);
        Task write;
        using (store.HoldForTest(beforeRelease: store.Dispose)) // disposed with the lock held, before the writer gets it
        {
            write = Task.Run(async () => await store.PutAsync("k", new CachedResponse("{}", "m", 1, 1)));
            await WaitUntilAsync(() => store.PendingWrites == 1);
        }

        await write;
        using var reopened = new PromptOptStore(DbPath);
        Assert.NotNull(await reopened.TryGetAsync("k"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.PutAsync("late", new CachedResponse("{}", "m", 1, 1)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the writes to queue");
            await Task.Delay(5);
        }
    }

    [Fact]
    public void Ctor_NewerSchema_IsRefused()
    {
        using (new PromptOptStore(DbPath))
        {
        }

        using (var c = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"UPDATE schema_version SET version = {PromptOptStore.SchemaVersion + 1};";
            cmd.ExecuteNonQuery();
        }

        var ex = Assert.ThrowsAny<PromptOptInputException>(() => new PromptOptStore(DbPath));

        Assert.Contains("newer", ex.Message);
    }

    [Fact]
    public void Ctor_NotADatabase_ThrowsInputError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        File.WriteAllText(DbPath, new string('x', 4096));

        var ex = Assert.ThrowsAny<PromptOptInputException>(() => new PromptOptStore(DbPath));

        Assert.Contains(DbPath, ex.Message);
    }

    [Fact]
    public async Task TwoStoresOnOneFile_ShareCacheAndRuns()
    {
        using var a = new PromptOptStore(DbPath);
        using var b = new PromptOptStore(DbPath);

        await a.PutAsync("k", new CachedResponse("{}", "m", 1, 2));
        await Task.WhenAll(
            Task.Run(async () => { for (int i = 0; i < 50; i++) { await a.PutAsync($"a{i}", new CachedResponse("{}", null, 0, 0)); } }),
            Task.Run(async () => { for (int i = 0; i < 50; i++) { await b.PutAsync($"b{i}", new CachedResponse("{}", null, 0, 0)); } }));

        Assert.NotNull(await b.TryGetAsync("k"));
        Assert.Equal(101, await a.CountCacheEntriesAsync());
    }

    [Fact]
    public async Task ClearCacheAsync_RemovesAllEntries()
    {
        using var store = new PromptOptStore(DbPath);
        await store.PutAsync("k1", new CachedResponse("{}", "m", 1, 2));
        await store.PutAsync("k2", new CachedResponse("{}", "m", 1, 2));

        Assert.Equal(2, await store.ClearCacheAsync());
        Assert.Equal(0, await store.CountCacheEntriesAsync());
    }
}
