using System.Text.Json.Nodes;
using PromptOpt.Storage;
using PromptOpt.Tests.Models;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Storage;

/// <summary>The <see cref="IRunStore"/> contract, run against every implementation.</summary>
public abstract class RunStoreConformanceTests
{
    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    protected abstract IRunStore Store { get; }

    private static RunStart Run(string id = "run-1", string spec = """{"method":"ape","seed":7}""") =>
        new(id, "ape", spec, 7, new Dictionary<string, string> { ["task"] = "sim", ["optimizer"] = "openai:gpt-4o-mini" });

    [Fact]
    public async Task CreateOrOpenRunAsync_NewRun_CreatesRunningRun()
    {
        var opened = await Store.CreateOrOpenRunAsync(Run());

        Assert.False(opened.Existed);
        Assert.Equal("run-1", opened.Run.RunId);
        Assert.Equal("ape", opened.Run.Method);
        Assert.Equal(7, opened.Run.Seed);
        Assert.Equal(RunStatus.Running, opened.Run.Status);
        Assert.Equal("openai:gpt-4o-mini", opened.Run.Models["optimizer"]);
        Assert.Equal(Clock.GetUtcNow(), opened.Run.CreatedAt);
        Assert.Null(opened.Run.ResultJson);
        Assert.Equal(7, JsonNode.Parse(opened.Run.SpecJson)!["seed"]!.GetValue<int>());
    }

    [Fact]
    public async Task CreateOrOpenRunAsync_ExistingRun_ReturnsStoredRunUnchanged()
    {
        await Store.CreateOrOpenRunAsync(Run());
        Clock.Advance(TimeSpan.FromMinutes(1));

        var again = await Store.CreateOrOpenRunAsync(Run(spec: """{"method":"other"}"""));

        Assert.True(again.Existed);
        Assert.Equal("ape", JsonNode.Parse(again.Run.SpecJson)!["method"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), again.Run.CreatedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../etc")]
    [InlineData("a b")]
    [InlineData("-lead")]
    public async Task CreateOrOpenRunAsync_InvalidId_Throws(string id)
    {
        await Assert.ThrowsAsync<PromptOptInputException>(() => Store.CreateOrOpenRunAsync(Run(id)));
    }

    [Fact]
    public async Task CreateOrOpenRunAsync_SpecWithSecrets_StoresThemStripped()
    {
        var spec = """{"model":"openai:gpt-4o","api_key":"sk-live-0123456789abcdef","nested":{"Token":"t0ps3cret","max_tokens":64,"note":"key sk-abcdef0123456789 here"},"api_key_env":"OPENAI_API_KEY"}""";

        var opened = await Store.CreateOrOpenRunAsync(Run(spec: spec));
        var stored = (await Store.GetRunAsync("run-1"))!.SpecJson;

        Assert.Equal(opened.Run.SpecJson, stored);
        Assert.DoesNotContain("0123456789abcdef", stored);
        Assert.DoesNotContain("t0ps3cret", stored);
        Assert.DoesNotContain("abcdef0123456789", stored);
        var json = JsonNode.Parse(stored)!;
        Assert.Equal(RunSpecSanitizer.Redacted, json["api_key"]!.GetValue<string>());
        Assert.Equal(64, json["nested"]!["max_tokens"]!.GetValue<int>());
        Assert.Equal("OPENAI_API_KEY", json["api_key_env"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppendEventAsync_Events_AreNumberedAndReadInOrder()
    {
        await Store.CreateOrOpenRunAsync(Run());

        var s1 = await Store.AppendEventAsync("run-1", "StepStarted", """{"step":1}""");
        Clock.Advance(TimeSpan.FromSeconds(1));
        var s2 = await Store.AppendEventAsync("run-1", "StepCompleted", """{"step":1}""");
        var events = await Store.GetEventsAsync("run-1");

        Assert.Equal((1, 2), (s1, s2));
        Assert.Equal(["StepStarted", "StepCompleted"], events.Select(e => e.Type));
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal(Clock.GetUtcNow(), events[1].Timestamp);
        Assert.Equal(Clock.GetUtcNow(), (await Store.GetRunAsync("run-1"))!.UpdatedAt);
    }

    [Fact]
    public async Task AppendEventAsync_ConcurrentAppends_GetDistinctSequences()
    {
        await Store.CreateOrOpenRunAsync(Run());

        var seqs = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => Store.AppendEventAsync("run-1", "E", $$"""{"i":{{i}}}"""))));

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), seqs.Order());
        Assert.Equal(50, (await Store.GetEventsAsync("run-1")).Count);
    }

    [Fact]
    public async Task SaveCandidateAsync_SameId_Upserts()
    {
        await Store.CreateOrOpenRunAsync(Run());

        await Store.SaveCandidateAsync("run-1", 2, """{"p":"b"}""", 0.5);
        await Store.SaveCandidateAsync("run-1", 0, """{"p":"a"}""", null);
        await Store.SaveCandidateAsync("run-1", 2, """{"p":"b2"}""", 0.75);
        var candidates = await Store.GetCandidatesAsync("run-1");

        Assert.Equal([0, 2], candidates.Select(c => c.CandidateId));
        Assert.Null(candidates[0].Score);
        Assert.Equal(0.75, candidates[1].Score);
        Assert.Equal("""{"p":"b2"}""", candidates[1].Json);
    }

    [Fact]
    public async Task SetStatusAndSaveResult_Completed_AreStored()
    {
        await Store.CreateOrOpenRunAsync(Run());
        Clock.Advance(TimeSpan.FromHours(1));

        await Store.SaveResultAsync("run-1", """{"best":"x","secret":"hidden-value"}""");
        await Store.SetStatusAsync("run-1", RunStatus.Completed);
        var run = (await Store.GetRunAsync("run-1"))!;

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("x", JsonNode.Parse(run.ResultJson!)!["best"]!.GetValue<string>());
        Assert.DoesNotContain("hidden-value", run.ResultJson);
        Assert.Equal(Clock.GetUtcNow(), run.UpdatedAt);
    }

    [Fact]
    public async Task ListRunsAsync_Runs_NewestFirstWithBestScore()
    {
        await Store.CreateOrOpenRunAsync(Run("old"));
        await Store.SaveCandidateAsync("old", 0, "{}", 0.25);
        await Store.SaveCandidateAsync("old", 1, "{}", 0.625);
        await Store.SaveCandidateAsync("old", 2, "{}", null);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await Store.CreateOrOpenRunAsync(Run("new"));
        await Store.SetStatusAsync("new", RunStatus.Interrupted);

        var runs = await Store.ListRunsAsync();

        Assert.Equal(["new", "old"], runs.Select(r => r.RunId));
        Assert.Null(runs[0].BestScore);
        Assert.Equal(RunStatus.Interrupted, runs[0].Status);
        Assert.Equal(0.625, runs[1].BestScore);
        Assert.Equal("ape", runs[1].Method);
    }

    [Fact]
    public async Task ClearProgressAsync_ResumedRun_RemovesEventsCandidatesAndResult()
    {
        await Store.CreateOrOpenRunAsync(Run());
        await Store.AppendEventAsync("run-1", "E", "{}");
        await Store.SaveCandidateAsync("run-1", 0, "{}", 1);
        await Store.SaveResultAsync("run-1", "{}");

        await Store.ClearProgressAsync("run-1");

        Assert.Empty(await Store.GetEventsAsync("run-1"));
        Assert.Empty(await Store.GetCandidatesAsync("run-1"));
        var run = (await Store.GetRunAsync("run-1"))!;
        Assert.Null(run.ResultJson);
        Assert.Equal("ape", run.Method);
        Assert.Equal(1, await Store.AppendEventAsync("run-1", "E", "{}"));
    }

    [Fact]
    public async Task Checkpoints_SavedThenRead_FirstValueWinsPerRunAndKeyAndSurvivesClearProgress()
    {
        var checkpoints = Assert.IsAssignableFrom<IRunCheckpointStore>(Store);
        await Store.CreateOrOpenRunAsync(Run());
        await Store.CreateOrOpenRunAsync(Run("run-2"));
        await checkpoints.SaveCheckpointAsync("run-1", "expo.arms:ab", new byte[] { 1, 2, 3 });
        await checkpoints.SaveCheckpointAsync("run-1", "expo.arms:ab", new byte[] { 9 });
        await checkpoints.SaveCheckpointAsync("run-1", "expo.arms:cd", Array.Empty<byte>());
        await checkpoints.SaveCheckpointAsync("run-2", "expo.arms:ab", new byte[] { 4 });

        await Store.ClearProgressAsync("run-1");
        var stored = await checkpoints.GetCheckpointsAsync("run-1");

        Assert.Equal(["expo.arms:ab", "expo.arms:cd"], stored.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new byte[] { 1, 2, 3 }, stored["expo.arms:ab"]);
        Assert.Empty(stored["expo.arms:cd"]);
        Assert.Equal(new byte[] { 4 }, (await checkpoints.GetCheckpointsAsync("run-2"))["expo.arms:ab"]);
        Assert.Empty(await checkpoints.GetCheckpointsAsync("nope"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => checkpoints.SaveCheckpointAsync("nope", "k", new byte[] { 1 }));
    }

    [Fact]
    public async Task RunCheckpoints_AddedThenSaved_ReadBackByTheNextOpen()
    {
        var store = Assert.IsAssignableFrom<IRunCheckpointStore>(Store);
        await Store.CreateOrOpenRunAsync(Run());
        var first = await RunCheckpoints.OpenAsync(store, "run-1");
        first.Add("a", [1]);
        first.Add("a", [2]);
        Assert.True(first.TryGet("a", out var a) && a.SequenceEqual(new byte[] { 1 }));
        Assert.Empty(await store.GetCheckpointsAsync("run-1")); // not written before SaveAsync

        await first.SaveAsync();
        first.Add("b", [3]); // never saved: lost, as in a killed process
        var second = await RunCheckpoints.OpenAsync(store, "run-1");

        Assert.Equal(1, second.Count);
        Assert.True(second.TryGet("a", out var again) && again.SequenceEqual(new byte[] { 1 }));
        Assert.False(second.TryGet("b", out _));
    }

    [Fact]
    public async Task Writes_UnknownRun_ThrowKeyNotFound()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.AppendEventAsync("nope", "E", "{}"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SaveCandidateAsync("nope", 0, "{}", 1));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SetStatusAsync("nope", RunStatus.Failed));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SaveResultAsync("nope", "{}"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.ClearProgressAsync("nope"));
    }

    [Fact]
    public async Task Reads_UnknownRun_AreEmpty()
    {
        Assert.Null(await Store.GetRunAsync("nope"));
        Assert.Empty(await Store.GetEventsAsync("nope"));
        Assert.Empty(await Store.GetCandidatesAsync("nope"));
        Assert.Empty(await Store.ListRunsAsync());
    }
}

public sealed class InMemoryRunStoreConformanceTests : RunStoreConformanceTests
{
    private readonly InMemoryRunStore _store;

    public InMemoryRunStoreConformanceTests() => _store = new InMemoryRunStore(Clock);

    protected override IRunStore Store => _store;
}

public sealed class SqliteRunStoreConformanceTests : RunStoreConformanceTests, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PromptOptStore _store;

    public SqliteRunStoreConformanceTests() => _store = new PromptOptStore(Path.Combine(_dir.Path, "runs.db"), Clock);

    protected override IRunStore Store => _store;

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }
}
