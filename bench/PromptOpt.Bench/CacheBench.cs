using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Storage;

namespace PromptOpt.Bench;

/// <summary>Response-cache hit latency and SQLite cache write throughput (file in a temp directory, WAL).</summary>
internal static class CacheBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int n = BenchArgs.Positional(args, 1).Int(0, "rows", 5000, min: 1);
        var dir = Directory.CreateTempSubdirectory("promptopt-bench-");
        try
        {
            using var store = new PromptOptStore(Path.Combine(dir.FullName, "bench.db"));
            var inner = new EchoClient();
            var meter = new UsageMeter();
            var model = new ChatClientBuilder(inner).UseUsageTracking(meter, ModelRoles.Task).UseResponseCache(store).Build();
            var opts = new ChatOptions { Temperature = 0 };

            // Writes: n distinct misses, 8 concurrent callers (each miss = one committed SQLite row).
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                await model.GetResponseAsync([new ChatMessage(ChatRole.User, $"question {i}")], opts, ct));
            sw.Stop();
            double writesPerSec = n / sw.Elapsed.TotalSeconds;

            // Hits: the same n requests again, sequentially, to measure per-hit latency.
            sw.Restart();
            for (int i = 0; i < n; i++)
            {
                await model.GetResponseAsync([new ChatMessage(ChatRole.User, $"question {i}")], opts);
            }

            sw.Stop();
            double hitMicros = sw.Elapsed.TotalMilliseconds * 1000 / n;
            var u = meter.Snapshot().Total;
            Console.WriteLine("| measure | value |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| SQLite cache writes (8 concurrent misses, {n:N0} rows) | {writesPerSec:N0} writes/s |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| cache hit latency (sequential, SQLite) | {hitMicros:F1} µs/hit |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| inner calls / cache hits | {inner.Calls} / {u.CachedCalls} |"));
            return inner.Calls == n && u.CachedCalls == n ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    private sealed class EchoClient : IChatClient
    {
        private int _calls;

        public int Calls => _calls;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer to " + messages.Last().Text))
            {
                ModelId = "echo",
                Usage = new UsageDetails { InputTokenCount = 12, OutputTokenCount = 4 },
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("echo", null, "echo") : null;

        public void Dispose()
        {
        }
    }
}
