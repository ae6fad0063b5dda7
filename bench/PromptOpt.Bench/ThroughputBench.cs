using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Bench;

/// <summary>
/// Evaluation throughput through the REAL HTTP path (OpenAI SDK adapter + middleware, no cache) against the loopback
/// simulator server with a fixed latency: achieved requests/s next to the physical limit concurrency ÷ latency.
/// CPU per request is the whole process's (client pipeline + in-process server) CPU time over the level, divided by its requests.
/// Usage: throughput [latency-ms=100] [concurrency list=1,16,64,256] [examples=1000].
/// </summary>
internal static class ThroughputBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Positional(args, 3);
        int latencyMs = a.Int(0, "latency-ms", 100);
        var levels = a.Ints(1, "concurrency", "1,16,64,256");
        int n = a.Int(2, "examples", 1000, min: 1);

        var task = BuiltInTasks.Create("multistep_arithmetic", seed: 1, trainSize: 10, testSize: Math.Max(n, 10));
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions
        {
            World = SimulatorModels.CreateWorld([task]),
            LatencyMean = TimeSpan.FromMilliseconds(latencyMs),
        });
        Console.WriteLine($"# {SimulatorServer.Banner}");
        Console.WriteLine($"# loopback simulator at {server.BaseUrl}, latency {latencyMs} ms, {n} examples per level, {Environment.ProcessorCount} cores, no cache");
        // Warm-up (JIT, connection pool) so the first level is not charged for it.
        var warm = ModelFactory.Create(ModelSpec.Parse($"openai-compatible:{server.BaseUrl}|sim-bench"), ModelRoles.Task,
            new ModelPipelineOptions { Usage = new UsageMeter(), MaxConcurrency = RequestTimeline.WarmConcurrency, Environment = _ => null });
        await Evaluator.EvaluateAsync(warm, task.OneLinePrompt, RequestTimeline.WarmExamples(task.Dataset.Train), task.Metric, new EvaluationOptions { MaxConcurrency = RequestTimeline.WarmConcurrency });
        using var bare = new HttpClient();
        Console.WriteLine("| concurrency | examples | wall s | requests/s | physical limit req/s | % of limit | CPU µs/request (client+server) | accuracy (simulated) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in levels)
        {
            int count = Math.Min(n, Math.Max(c * 4, 40));
            if (c >= 16)
            {
                count = n;
            }

            var examples = task.Dataset.Test.Take(count).ToList();
            if (BareCeiling.Enabled && BareCeiling.First)
            {
                await BareCeiling.RowAsync(bare, server.BaseUrl, "sim-bench", task.OneLinePrompt, examples, task.Metric, c, latencyMs, " |");
            }

            var meter = new UsageMeter();
            IChatClient model = ModelFactory.Create(
                ModelSpec.Parse($"openai-compatible:{server.BaseUrl}|sim-bench"),
                ModelRoles.Task,
                new ModelPipelineOptions { Usage = meter, MaxConcurrency = c, Environment = _ => null });
            var timeline = RequestTimeline.Enabled ? new RequestTimeline(model, count) : null;
            model = timeline ?? model;
            var options = new EvaluationOptions { MaxConcurrency = c };
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var result = await Evaluator.EvaluateAsync(model, task.OneLinePrompt, examples, task.Metric, options);
            sw.Stop();
            timeline?.Report(c, sw.Elapsed);
            double cpuPerRequest = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count;
            double rps = count / sw.Elapsed.TotalSeconds;
            double limit = c * 1000.0 / latencyMs;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c} | {count} | {sw.Elapsed.TotalSeconds:F2} | {rps:F1} | {limit:F1} | {100 * rps / limit:F1} % | {cpuPerRequest:F0} | {result.Score:F3} |"));
            if (BareCeiling.Enabled && !BareCeiling.First)
            {
                await BareCeiling.RowAsync(bare, server.BaseUrl, "sim-bench", task.OneLinePrompt, examples, task.Metric, c, latencyMs, " |");
            }
        }

        return 0;
    }
}
