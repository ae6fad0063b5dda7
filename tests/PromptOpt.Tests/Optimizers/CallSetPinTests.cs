using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Baselines.Opro;
using PromptOpt.Optimizers.DualPhase;
using PromptOpt.Optimizers.Gepa;
using PromptOpt.Optimizers.Mipro;
using PromptOpt.Simulation;
using PromptOpt.Storage;
using PromptOpt.Tests.Optimizers.Baselines;

namespace PromptOpt.Tests.Optimizers;

/// <summary>
/// Issue 17 pins: scheduling work at once (the evaluation queue, the background test scoring, MIPRO's concurrent
/// bootstrap) must not change what a run asks or returns. Each case runs a method on the simulator and compares a
/// fingerprint — the response-cache keys written (every distinct request), the calls per role (paid and cached), the
/// candidates, the step events' usage and the result — with the one recorded from main before the change (commit 713d850).
/// A failure prints the new fingerprint; update it only for a change that is meant to alter the calls.
/// </summary>
public sealed class CallSetPinTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "opro", "multistep_arithmetic", "PENDING" },
        { "opro", "navigate", "PENDING" },
        { "dual-phase", "multistep_arithmetic", "PENDING" },
        { "dual-phase", "navigate", "PENDING" },
        { "mipro", "multistep_arithmetic", "PENDING" },
        { "mipro", "navigate", "PENDING" },
        { "mipro-tokens", "multistep_arithmetic", "PENDING" },
        { "gepa", "multistep_arithmetic", "PENDING" },
        { "gepa", "navigate", "PENDING" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_MatchesTheCallsAndResultRecordedOnMain(string method, string taskName, string expected)
    {
        Assert.Equal(expected, await FingerprintAsync(method, taskName));
    }

    private static async Task<string> FingerprintAsync(string method, string taskName)
    {
        var task = BaselineRig.Task(taskName);
        var cache = new RecordingCache();
        var meter = new UsageMeter(method == "mipro-tokens" ? new OptimizationBudget { MaxTokens = 100_000_000 } : null);
        var world = SimulatorModels.CreateWorld([task]);
        var pipeline = new ModelPipelineOptions { Usage = meter, Cache = cache, MaxConcurrency = 8, SimulatorFactory = _ => world.CreateClient() };
        var events = new ConcurrentQueue<string>();
        var notices = new ConcurrentBag<string>();
        var request = new OptimizationRequest
        {
            Task = task,
            TaskModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Task, pipeline),
            OptimizerModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Optimizer, pipeline),
            Usage = meter,
            Seed = 5,
            TrainSize = 20,
            TestSize = 40,
            // Notices can come from calls that run at once (e.g. a dropped reply), so their order is not pinned, only which.
            Progress = new SyncProgress(e => (e is RunNotice ? (Action<string>)notices.Add : events.Enqueue)(Describe(e))),
        };
        IPromptOptimizer optimizer = method switch
        {
            "opro" => new OproOptimizer(new OproOptions { Steps = 3 }),
            "dual-phase" => new DualPhaseOptimizer(new DualPhaseOptions { MaxSteps = 3 }),
            "mipro" or "mipro-tokens" => new MiproOptimizer(new MiproOptions { Trials = 6 }),
            "gepa" => new GepaOptimizer(new GepaOptions { MaxMetricCalls = 150 }),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };

        var result = await optimizer.OptimizeAsync(request);

        var usage = string.Join(" ", result.Usage.ByRole.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value.Calls}/{kv.Value.PaidCalls}/{kv.Value.CachedCalls}"));
        var candidates = string.Join("\n", result.Candidates.Select(c => $"{c.Id} {c.ParentId} {c.Operation} {c.Step} {c.Accepted} {c.TrainScore:R} {c.Note} {c.Prompt.Key}"));
        var outcome = $"{result.BestPrompt.Key} {result.StartTrainScore:R} {result.BestTrainScore:R} {result.StartTestScore:R} {result.BestTestScore:R} {result.StopReason} "
            + string.Join(",", result.Trajectory.Select(p => $"{p.Calls}:{p.BestTrainScore:R}:{p.TestScore:R}"));
        return $"keys {cache.Keys.Count} {Hash(string.Join("\n", cache.Keys.Order(StringComparer.Ordinal)))}; {usage}; "
            + $"candidates {result.Candidates.Count} {Hash(candidates)}; events {events.Count} {Hash(string.Join("\n", events))}; notices {notices.Count} {Hash(string.Join("\n", notices.Order(StringComparer.Ordinal)))}; result {Hash(outcome)}";
    }

    private static string Describe(OptimizationEvent e) => e switch
    {
        StepCompleted s => $"step {s.Step} {s.BestTrainScore:R} " + string.Join(" ", s.Usage.ByRole.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value.Calls}/{kv.Value.PaidCalls}/{kv.Value.CachedCalls}/{kv.Value.InputTokens}/{kv.Value.OutputTokens}")) + " " + s.Detail,
        CandidateEvaluated c => $"candidate {c.Candidate.Id} {c.Candidate.TrainScore:R} {c.Candidate.Prompt.Key}",
        _ => e.ToString(),
    };

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>An in-memory response cache that keeps the keys written.</summary>
    private sealed class RecordingCache : IResponseCache
    {
        private readonly InMemoryResponseCache _inner = new();

        public ConcurrentBag<string> Keys { get; } = [];

        public ValueTask<CachedResponse?> TryGetAsync(string key, CancellationToken cancellationToken = default) => _inner.TryGetAsync(key, cancellationToken);

        public ValueTask PutAsync(string key, CachedResponse response, CancellationToken cancellationToken = default)
        {
            Keys.Add(key);
            return _inner.PutAsync(key, response, cancellationToken);
        }
    }

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<OptimizationEvent> report) : IProgress<OptimizationEvent>
    {
        public void Report(OptimizationEvent value) => report(value);
    }
}
