using System.Diagnostics;
using System.Globalization;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;
using PromptOpt.Storage;

namespace PromptOpt.Bench;

/// <summary>
/// Optimization cost per method: a standard simulated run (method defaults; OptimizationRequest defaults: V = 50 train
/// examples, 200 test examples; MetaSPO on the one task) through the REAL HTTP path (OpenAI SDK adapter) against the
/// loopback simulator server with a fixed latency, cold (fresh SQLite store), then the identical run again over the same
/// store (a fresh pipeline, meter and store connection, as a rerun of the command would have), five times: the first replay
/// is what a rerun gets, the best is the figure least disturbed by other load on the machine. Reports logical calls, paid
/// calls, requests the server saw, wall and CPU time. Goal: cached replay ≥ 50× faster, zero paid calls and zero server
/// requests, the same result. Usage: cost [methods=all|a,b] [latency-ms=50] [task=multistep_arithmetic] [seed=1] [concurrency=16].
/// </summary>
internal static class CostBench
{
    private const double TargetSpeedup = 50;
    private const int Replays = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var methods = args.Length > 0 && args[0] != "all"
            ? args[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : OptimizerRegistry.Names.ToArray();
        int latencyMs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        var taskName = args.Length > 2 ? args[2] : "multistep_arithmetic";
        int seed = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        int concurrency = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 16;
        if (methods.Length == 0)
        {
            Console.WriteLine("cost: no optimizer is registered in OptimizerRegistry yet; nothing to measure.");
            return 0;
        }

        var task = BuiltInTasks.Create(taskName, seed);
        var world = SimulatorModels.CreateWorld([task], options: new SimOptions { Seed = seed });
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions
        {
            World = world,
            Seed = seed,
            LatencyMean = TimeSpan.FromMilliseconds(latencyMs),
        });
        var spec = ModelSpec.Parse($"openai-compatible:{server.BaseUrl.ToString().TrimEnd('/')}|sim-cost");
        var dir = Directory.CreateTempSubdirectory("promptopt-bench-cost-");
        Console.WriteLine($"# {SimulatorServer.Banner}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores; load average {PromptfooCompareBench.LoadAverage()}; task {task.Name} (seed {seed}); " +
            $"loopback simulator latency {latencyMs} ms; concurrency {concurrency}; method defaults, V = 50, test = 200"));
        Console.WriteLine();
        Console.WriteLine($"| method | cold: calls | cold: paid | cold: server requests | cold: wall s | cached: calls | cached: paid ({Replays} replays) | cached: server requests ({Replays} replays) | cached: wall s (1st replay) | cached: wall s (best of {Replays}) | cached: CPU s (1st replay, whole process) | speed-up 1st (best) | same result |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        int exit = 0;
        try
        {
            foreach (var method in methods)
            {
                var storePath = Path.Combine(dir.FullName, method + ".db");
                Measured cold;
                var replays = new List<Measured>();
                try
                {
                    cold = await RunOnceAsync(method, task, spec, storePath, server, concurrency, seed);
                    for (int i = 0; i < Replays; i++)
                    {
                        replays.Add(await RunOnceAsync(method, task, spec, storePath, server, concurrency, seed));
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Console.WriteLine($"| {method} | failed: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} | | | | | | | | | | | |");
                    exit = 1;
                    continue;
                }

                var first = replays[0];
                var best = replays.MinBy(r => r.Wall)!;
                bool same = replays.All(r => SameResult(cold.Result, r.Result));
                double speedup = cold.Wall.TotalSeconds / Math.Max(first.Wall.TotalSeconds, 1e-6);
                double bestSpeedup = cold.Wall.TotalSeconds / Math.Max(best.Wall.TotalSeconds, 1e-6);
                var c = cold.Usage;
                var h = first.Usage;
                long paid = replays.Sum(r => r.Usage.PaidCalls);
                long requests = replays.Sum(r => r.ServerRequests);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {method} | {c.Calls} | {c.PaidCalls} | {cold.ServerRequests} | {cold.Wall.TotalSeconds:F2} | {h.Calls} | {paid} | {requests} | {first.Wall.TotalSeconds:F3} | {best.Wall.TotalSeconds:F3} | {first.Cpu.TotalSeconds:F3} | {speedup:F0}× ({bestSpeedup:F0}×) | {(same ? "yes" : "NO")} |"));
                if (paid > 0 || requests > 0 || !same || bestSpeedup < TargetSpeedup)
                {
                    exit = 1;
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }

        Console.WriteLine();
        Console.WriteLine($"# goal: cached replay ≥ {TargetSpeedup:F0}× faster (best of {Replays}: the figure least disturbed by other load), 0 paid calls and 0 server requests in every replay, same result (exit code 1 otherwise)");
        return exit;
    }

    private static async Task<Measured> RunOnceAsync(
        string method, TaskDefinition task, ModelSpec spec, string storePath, SimulatorServer server, int concurrency, int seed)
    {
        using var store = new PromptOptStore(storePath);
        var meter = new UsageMeter();
        ModelPipelineOptions Options() => new() { Usage = meter, Cache = store, MaxConcurrency = concurrency, Environment = _ => null };
        var request = new OptimizationRequest
        {
            Task = task,
            TaskModel = ModelFactory.Create(spec, ModelRoles.Task, Options()),
            OptimizerModel = ModelFactory.Create(spec, ModelRoles.Optimizer, Options()),
            Usage = meter,
            Seed = seed,
            Evaluation = new EvaluationOptions { MaxConcurrency = concurrency },
        };
        var optimizer = OptimizerRegistry.Create(method);
        long before = server.Stats.Requests;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var result = await optimizer.OptimizeAsync(request);
        sw.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new Measured(sw.Elapsed, cpu, meter.Snapshot().Total, server.Stats.Requests - before, result);
    }

    /// <summary>Same best prompt, scores and candidate list: a replay must reproduce the run exactly.</summary>
    private static bool SameResult(OptimizationResult a, OptimizationResult b) =>
        a.BestPrompt == b.BestPrompt
        && a.BestTrainScore.Equals(b.BestTrainScore)
        && Nullable.Equals(a.BestTestScore, b.BestTestScore)
        && Nullable.Equals(a.StartTestScore, b.StartTestScore)
        && a.StopReason == b.StopReason
        && a.Candidates.Select(x => (x.Prompt, x.TrainScore)).SequenceEqual(b.Candidates.Select(x => (x.Prompt, x.TrainScore)));

    private sealed record Measured(TimeSpan Wall, TimeSpan Cpu, RoleUsage Usage, long ServerRequests, OptimizationResult Result);
}
