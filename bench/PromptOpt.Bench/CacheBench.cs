using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Storage;

namespace PromptOpt.Bench;

/// <summary>
/// Response-cache hit latency and SQLite cache write throughput (file in a temp directory, WAL), and what the in-flight
/// claim (issue 16: <see cref="IResponseCacheClaims"/>) adds to a miss: sequential misses with and without claims, and a
/// claim taken and released on its own.
/// </summary>
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
            long writeCommits = store.GroupCommits;

            // Hits: the same n requests again, sequentially, to measure per-hit latency.
            sw.Restart();
            for (int i = 0; i < n; i++)
            {
                await model.GetResponseAsync([new ChatMessage(ChatRole.User, $"question {i}")], opts);
            }

            sw.Stop();
            double hitMicros = sw.Elapsed.TotalMilliseconds * 1000 / n;
            var u = meter.Snapshot().Total;

            // Misses one at a time, with claims (the store as is) and without (the store seen only as a cache).
            var claimed = new ChatClientBuilder(new EchoClient()).UseResponseCache(store).Build();
            var unclaimed = new ChatClientBuilder(new EchoClient()).UseResponseCache(new CacheOnly(store)).Build();
            double withClaims = 0, withoutClaims = 0;
            for (int round = 0; round < 3; round++)
            {
                // Alternate, so load changes on a shared machine hit both alike; keep each one's best round.
                double a = await SequentialMissesAsync(claimed, $"claimed {round}", n, opts);
                double b = await SequentialMissesAsync(unclaimed, $"unclaimed {round}", n, opts);
                withClaims = round == 0 ? a : Math.Min(withClaims, a);
                withoutClaims = round == 0 ? b : Math.Min(withoutClaims, b);
            }

            // A claim on its own: taken (one INSERT) and released (one DELETE), as a failed call does.
            var holder = RunLeaseHolder.ForThisProcess();
            sw.Restart();
            for (int i = 0; i < n; i++)
            {
                await store.TryClaimAsync($"claim {i}", holder, TimeSpan.FromMinutes(1));
                await store.ReleaseClaimAsync($"claim {i}", holder);
            }

            sw.Stop();
            double claimMicros = sw.Elapsed.TotalMilliseconds * 1000 / n;
            Console.WriteLine("| measure | value |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| SQLite cache writes (8 concurrent misses, {n:N0} rows) | {writesPerSec:N0} writes/s |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| … SQLite commits for those {n:N0} misses (a claim and a response each: {2 * n:N0} writes, group-committed) | {writeCommits:N0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| cache hit latency (sequential, SQLite) | {hitMicros:F1} µs/hit |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| inner calls / cache hits | {inner.Calls} / {u.CachedCalls} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| cache miss latency (sequential, SQLite, with in-flight claim; best of 3) | {withClaims:F1} µs/miss |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| cache miss latency (sequential, SQLite, claims hidden; best of 3) | {withoutClaims:F1} µs/miss |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| claim taken + released alone (INSERT + DELETE) | {claimMicros:F1} µs |"));
            return inner.Calls == n && u.CachedCalls == n ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    private static async Task<double> SequentialMissesAsync(IChatClient model, string prefix, int n, ChatOptions opts)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            await model.GetResponseAsync([new ChatMessage(ChatRole.User, $"{prefix} question {i}")], opts);
        }

        return sw.Elapsed.TotalMilliseconds * 1000 / n;
    }

    // The store seen only as a response cache: the caching client then takes no claims.
    private sealed class CacheOnly(IResponseCache inner) : IResponseCache
    {
        public ValueTask<CachedResponse?> TryGetAsync(string key, CancellationToken cancellationToken = default) => inner.TryGetAsync(key, cancellationToken);

        public ValueTask PutAsync(string key, CachedResponse response, CancellationToken cancellationToken = default) => inner.PutAsync(key, response, cancellationToken);
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
