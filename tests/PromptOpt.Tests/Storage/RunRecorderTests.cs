using System.Text.Json;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Reporting;
using PromptOpt.Storage;

namespace PromptOpt.Tests.Storage;

public class RunRecorderTests
{
    private static readonly Dictionary<string, string> Models = new() { ["task"] = "sim" };
    private static readonly UsageSnapshot NoUsage = new(new Dictionary<string, RoleUsage>());

    private static RunStart Start(string spec = """{"method":"ape","task":"navigate"}""", string method = "ape") => new("r1", method, spec, 42, Models);

    private static CandidateRecord Candidate(int id, double score) => new(id, Prompt.FromInstruction("p" + id), score, null, "initial", 0, true);

    private static OptimizationResult Result() => new()
    {
        Method = "ape",
        StartPrompt = Prompt.FromInstruction("p0"),
        BestPrompt = Prompt.FromInstruction("p1"),
        BestTrainScore = 0.9,
        Candidates = [Candidate(0, 0.5), Candidate(1, 0.9) with { Accepted = false }],
        Usage = NoUsage,
    };

    private sealed class Collector : IProgress<OptimizationEvent>
    {
        public List<OptimizationEvent> Events { get; } = [];

        public void Report(OptimizationEvent value) => Events.Add(value);
    }

    [Fact]
    public async Task Report_Events_AreStoredInOrderWithCandidatesAndForwarded()
    {
        var store = new InMemoryRunStore();
        var next = new Collector();
        var recorder = await RunRecorder.StartAsync(store, Start(), next);

        OptimizationEvent[] events =
        [
            new RunStarted("ape", 100, 10, null),
            new CandidateEvaluated(Candidate(0, 0.5)),
            new StepCompleted(1, 0.5, NoUsage, "step"),
            new CandidateEvaluated(Candidate(1, 0.9)),
            new RunCompleted("completed"),
        ];
        foreach (var e in events)
        {
            recorder.Report(e);
        }

        await recorder.FlushAsync();

        Assert.False(recorder.Resumed);
        Assert.Equal(events, next.Events);
        var stored = await store.GetEventsAsync("r1");
        Assert.Equal(["RunStarted", "CandidateEvaluated", "StepCompleted", "CandidateEvaluated", "RunCompleted"], stored.Select(e => e.Type));
        using (var doc = JsonDocument.Parse(stored[0].Json))
        {
            Assert.Equal(100, doc.RootElement.GetProperty("estimatedTaskCalls").GetInt64());
        }

        var candidates = await store.GetCandidatesAsync("r1");
        Assert.Equal([0.5, 0.9], candidates.Select(c => c.Score));
    }

    [Fact]
    public async Task CompleteAsync_SavesResultCandidatesAndStatusReadableByTheReportLoader()
    {
        var store = new InMemoryRunStore();
        var recorder = await RunRecorder.StartAsync(store, Start());

        await recorder.CompleteAsync(Result(), simulated: true);

        var run = await store.GetRunAsync("r1");
        Assert.Equal(RunStatus.Completed, run!.Status);
        using (var doc = JsonDocument.Parse(run.ResultJson!))
        {
            Assert.True(doc.RootElement.GetProperty(RunRecorder.SimulatedProperty).GetBoolean());
        }

        var report = await RunReportLoader.LoadAsync(store, "r1");
        Assert.Equal(Prompt.FromInstruction("p1"), report.Result.BestPrompt);
        var candidates = await store.GetCandidatesAsync("r1");
        Assert.Contains("\"accepted\":false", candidates[1].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ExistingRunWithTheSameSpec_ClearsItsProgressAndResumes()
    {
        var store = new InMemoryRunStore();
        var first = await RunRecorder.StartAsync(store, Start());
        first.Report(new CandidateEvaluated(Candidate(0, 0.5)));
        await first.StopAsync(RunStatus.Interrupted);
        Assert.Equal(RunStatus.Interrupted, (await store.GetRunAsync("r1"))!.Status);

        var second = await RunRecorder.StartAsync(store, Start());

        Assert.True(second.Resumed);
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("r1"))!.Status);
        Assert.Empty(await store.GetEventsAsync("r1"));
        Assert.Empty(await store.GetCandidatesAsync("r1"));
    }

    [Theory]
    [InlineData("""{"method":"ape","task":"boolean_expressions"}""", "ape", "with a different spec")]
    [InlineData("""{"method":"ape","task":"navigate"}""", "opro", "with a different method (ape)")]
    public async Task StartAsync_ExistingRunWithAnotherSpecOrMethod_IsBadInput(string spec, string method, string expected)
    {
        var store = new InMemoryRunStore();
        await RunRecorder.StartAsync(store, Start());

        var ex = await Assert.ThrowsAsync<PromptOptInputException>(() => RunRecorder.StartAsync(store, Start(spec, method)));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task FlushAsync_StoreWriteFailed_ThrowsWithTheCause()
    {
        // A store that accepted the run but then fails every write: FlushAsync surfaces the first failure.
        var recorder = await RunRecorder.StartAsync(new ForgetfulStore(), Start());
        recorder.Report(new RunCompleted("completed"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.FlushAsync());

        Assert.IsType<KeyNotFoundException>(ex.InnerException);
    }

    /// <summary>A store that accepts the run but then has forgotten it.</summary>
    private sealed class ForgetfulStore : IRunStore
    {
        private readonly InMemoryRunStore _inner = new();

        public Task<RunOpened> CreateOrOpenRunAsync(RunStart run, CancellationToken cancellationToken = default) => _inner.CreateOrOpenRunAsync(run, cancellationToken);

        public Task<long> AppendEventAsync(string runId, string type, string json, CancellationToken cancellationToken = default) => throw new KeyNotFoundException(runId);

        public Task SaveCandidateAsync(string runId, int candidateId, string json, double? score, CancellationToken cancellationToken = default) => throw new KeyNotFoundException(runId);

        public Task SetStatusAsync(string runId, RunStatus status, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SaveResultAsync(string runId, string resultJson, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task ClearProgressAsync(string runId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => _inner.GetRunAsync(runId, cancellationToken);

        public Task<IReadOnlyList<RunSummary>> ListRunsAsync(CancellationToken cancellationToken = default) => _inner.ListRunsAsync(cancellationToken);

        public Task<IReadOnlyList<RunEventRecord>> GetEventsAsync(string runId, CancellationToken cancellationToken = default) => _inner.GetEventsAsync(runId, cancellationToken);

        public Task<IReadOnlyList<CandidateRow>> GetCandidatesAsync(string runId, CancellationToken cancellationToken = default) => _inner.GetCandidatesAsync(runId, cancellationToken);

        public Task<RunLeaseHolder?> TryAcquireLeaseAsync(string runId, RunLeaseHolder holder, CancellationToken cancellationToken = default) => _inner.TryAcquireLeaseAsync(runId, holder, cancellationToken);

        public Task ReleaseLeaseAsync(string runId, RunLeaseHolder holder, CancellationToken cancellationToken = default) => _inner.ReleaseLeaseAsync(runId, holder, cancellationToken);

        public Task<int> StartAttemptAsync(string runId, CancellationToken cancellationToken = default) => _inner.StartAttemptAsync(runId, cancellationToken);

        public Task SaveAttemptAsync(string runId, int attempt, RunStatus status, string? usageJson, CancellationToken cancellationToken = default) => throw new KeyNotFoundException(runId);

        public Task<IReadOnlyList<RunAttempt>> GetAttemptsAsync(string runId, CancellationToken cancellationToken = default) => _inner.GetAttemptsAsync(runId, cancellationToken);
    }
}
