using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Baselines.Ape;
using PromptOpt.Optimizers.Baselines.Opro;
using PromptOpt.Optimizers.Baselines.ProTeGi;
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
        { "opro", "multistep_arithmetic", "keys 283 8EFE0E4AF859A02A; optimizer=3/3/0 task=200/200/0 test=80/80/0; candidates 10 27B3588B6D928B87; events 15 C2AED47B5294D45D; notices 0 E3B0C44298FC1C14; result 1816FA7F0E090949" },
        { "opro", "navigate", "keys 243 BFE6369E1667393A; optimizer=3/3/0 task=160/160/0 test=80/80/0; candidates 8 0A51921D1A7F51A2; events 13 8DE12F42CB2A920C; notices 0 E3B0C44298FC1C14; result A62F1C984E157BDA" },
        { "dual-phase", "multistep_arithmetic", "keys 184 7B637DF39A756915; optimizer=4/4/0 task=100/100/0 test=80/80/0; candidates 5 D008603006E30342; events 9 008F8A1F48DB0A4F; notices 2 ADF99EE3A74E51EA; result 92D13C2B61C90EBE" },
        { "dual-phase", "navigate", "keys 142 AB3AA368B2CB3E1E; optimizer=2/2/0 task=60/60/0 test=80/80/0; candidates 3 1D295195753F70F8; events 7 41C7B5F17D49B1F3; notices 2 0C24222E167185F0; result 1A7755051344F12A" },
        { "mipro", "multistep_arithmetic", "keys 202 D7D85A0EF8FEA6F7; optimizer=6/6/0 task=116/116/0 test=80/80/0; candidates 5 D6906686E552EE7D; events 19 3365E374EB58BE9F; notices 0 E3B0C44298FC1C14; result FFFE88A10AC6484A" },
        { "mipro", "navigate", "keys 195 0F5D575F0254D27F; optimizer=6/6/0 task=109/109/0 test=80/80/0; candidates 5 D09F3CDE89B9F1F4; events 19 28E36812EE9487D2; notices 0 E3B0C44298FC1C14; result 5399F6D1B7EFB575" },
        { "mipro-tokens", "multistep_arithmetic", "keys 202 D7D85A0EF8FEA6F7; optimizer=6/6/0 task=116/116/0 test=80/80/0; candidates 5 D6906686E552EE7D; events 19 3365E374EB58BE9F; notices 1 679D7F107117AA1D; result FFFE88A10AC6484A" },
        { "gepa", "multistep_arithmetic", "keys 230 0ED08B701446CDF0; optimizer=3/3/0 task=147/147/0 test=80/80/0; candidates 6 C6F69035A34C2DCA; events 24 113EC2A53478EDCE; notices 0 E3B0C44298FC1C14; result 3CCAB959DAF7B4A8" },
        { "gepa", "navigate", "keys 242 2DBCADE0D2D34DD1; optimizer=8/8/0 task=154/154/0 test=80/80/0; candidates 6 0058423F01637869; events 34 6DB1BF15BFD3658D; notices 0 E3B0C44298FC1C14; result ED0129D5E01F6E15" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_MatchesTheCallsAndResultRecordedOnMain(string method, string taskName, string expected)
    {
        var actual = await FingerprintAsync(method, taskName);
        Assert.True(actual == expected, $"{method} on {taskName}: fingerprint [{actual}], expected [{expected}]");
    }

    /// <summary>
    /// The same pins at concurrency 1 (every call in turn) and 32 (more slots than any step asks for): the concurrency is
    /// a speed setting only, so a run must ask and return exactly what it does at 8.
    /// </summary>
    public static TheoryData<string, string, string, int> AtOtherConcurrencies()
    {
        var data = new TheoryData<string, string, string, int>();
        foreach (var row in Cases)
        {
            var (method, task, expected) = ((string)row[0], (string)row[1], (string)row[2]);
            if (method != "mipro-tokens")
            {
                data.Add(method, task, expected, 1);
                data.Add(method, task, expected, 32);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AtOtherConcurrencies))]
    public async Task Run_AsksAndReturnsTheSameAtAnyConcurrency(string method, string taskName, string expected, int concurrency)
    {
        var actual = await FingerprintAsync(method, taskName, concurrency);
        Assert.True(actual == expected, $"{method} on {taskName} at concurrency {concurrency}: fingerprint [{actual}], expected (concurrency 8) [{expected}]");
    }

    [Theory]
    [InlineData("ape", "multistep_arithmetic")]
    [InlineData("protegi", "navigate")]
    public async Task Run_OfTheOtherBaselines_AsksAndReturnsTheSameAtConcurrency1And32(string method, string taskName)
    {
        var one = await FingerprintAsync(method, taskName, 1);
        var many = await FingerprintAsync(method, taskName, 32);
        Assert.True(one == many, $"{method} on {taskName}: concurrency 1 [{one}], concurrency 32 [{many}]");
    }

    private static async Task<string> FingerprintAsync(string method, string taskName, int concurrency = 8)
    {
        var task = BaselineRig.Task(taskName);
        var cache = new RecordingCache();
        var meter = new UsageMeter(method == "mipro-tokens" ? new OptimizationBudget { MaxTokens = 100_000_000 } : null);
        var world = SimulatorModels.CreateWorld([task]);
        var pipeline = new ModelPipelineOptions { Usage = meter, Cache = cache, MaxConcurrency = concurrency, SimulatorFactory = _ => world.CreateClient() };
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

            // The pins were recorded with the default evaluation fan-out (16) under a throttle of 8; other concurrencies set
            // both, as the CLI's --concurrency does.
            Evaluation = concurrency == 8 ? new() : new EvaluationOptions { MaxConcurrency = concurrency },

            // Notices can come from calls that run at once (e.g. a dropped reply), so their order is not pinned, only which.
            Progress = new SyncProgress(e => (e is RunNotice ? (Action<string>)notices.Add : events.Enqueue)(Describe(e))),
        };
        IPromptOptimizer optimizer = method switch
        {
            "opro" => new OproOptimizer(new OproOptions { Steps = 3 }),
            "dual-phase" => new DualPhaseOptimizer(new DualPhaseOptions { MaxSteps = 3 }),
            "mipro" or "mipro-tokens" => new MiproOptimizer(new MiproOptions { Trials = 6 }),
            "gepa" => new GepaOptimizer(new GepaOptions { MaxMetricCalls = 150 }),
            "ape" => new ApeOptimizer(new ApeOptions { Candidates = 6 }),
            "protegi" => new ProTeGiOptimizer(new ProTeGiOptions { Rounds = 2, BeamSize = 2, Gradients = 2, MaxExpansionsPerParent = 2, MinibatchSize = 16 }),
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
