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
