using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace PromptOpt.Bench;

/// <summary>
/// Where a throughput level's wall time goes (set <c>PROMPTOPT_BENCH_TIMELINE=1</c>): wraps the model and records each
/// call's start and end, and samples the thread pool every millisecond; <see cref="Report"/> prints one comment line per
/// level: how long the first burst took to start, the calls' latency percentiles, how full the slots were, the tail after
/// the last start, GC counts and pause time, and the thread pool's peak threads and queue.
/// </summary>
internal sealed class RequestTimeline : DelegatingChatClient
{
    private readonly long[] _starts;
    private readonly long[] _ends;
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private readonly int[] _gc0 = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly TimeSpan _pause0 = GC.GetTotalPauseDuration();
    private int _next = -1;
    private int _maxThreads, _maxPending;

    public RequestTimeline(IChatClient inner, int calls)
        : base(inner)
    {
        _starts = new long[calls];
        _ends = new long[calls];
        _sampler = Task.Factory.StartNew(Sample, TaskCreationOptions.LongRunning);
    }

    /// <summary>
    /// Gets the warm-up's concurrency (<c>PROMPTOPT_BENCH_WARM=n</c>; default 8): with 256 the connection pool already holds
    /// 256 connections when the measured level starts, so the level is not charged for opening them.
    /// </summary>
    public static int WarmConcurrency =>
        int.TryParse(Environment.GetEnvironmentVariable("PROMPTOPT_BENCH_WARM"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 8;

    /// <summary>Gets the warm-up examples: the 10 train examples, repeated to twice the warm-up concurrency when that is above 8.</summary>
    /// <typeparam name="T">The example type.</typeparam>
    /// <param name="train">The train examples.</param>
    /// <returns>The examples.</returns>
    public static List<T> WarmExamples<T>(IReadOnlyList<T> train) =>
        Enumerable.Range(0, WarmConcurrency > 8 ? 2 * WarmConcurrency : 10).Select(i => train[i % train.Count]).ToList();

    /// <summary>Gets whether the timeline is on (<c>PROMPTOPT_BENCH_TIMELINE=1</c>).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("PROMPTOPT_BENCH_TIMELINE") == "1";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        int i = Interlocked.Increment(ref _next);
        long start = Stopwatch.GetTimestamp();
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (i < _starts.Length)
        {
            _starts[i] = start - _origin;
            _ends[i] = Stopwatch.GetTimestamp() - _origin;
        }

        return response;
    }

    /// <summary>Stops sampling and prints the summary as a comment line.</summary>
    /// <param name="concurrency">The level's concurrency.</param>
    /// <param name="wall">The level's wall time.</param>
    public void Report(int concurrency, TimeSpan wall)
    {
        _stop.Cancel();
        _sampler.Wait();
        int n = Math.Min(_next + 1, _starts.Length);
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var starts = _starts.Take(n).Order().ToArray();
        var lat = Enumerable.Range(0, n).Select(i => Ms(_ends[i] - _starts[i])).Order().ToArray();
        double P(double q) => lat[Math.Min(n - 1, (int)(q * n))];
        double firstBurst = Ms(starts[Math.Min(concurrency, n) - 1] - starts[0]);
        double busy = lat.Sum();
        double tail = Ms(_ends.Take(n).Max() - starts[^1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# timeline c={concurrency}: first call after {Ms(starts[0]):F1} ms; first {Math.Min(concurrency, n)} calls started within {firstBurst:F1} ms; " +
            $"latency ms mean {busy / n:F1} min {lat[0]:F1} p50 {P(0.5):F1} p90 {P(0.9):F1} p99 {P(0.99):F1} max {lat[^1]:F1}; " +
            $"slots busy {100 * busy / (concurrency * wall.TotalMilliseconds):F1} %; after the last start {tail:F1} ms; " +
            $"GC {GC.CollectionCount(0) - _gc0[0]}/{GC.CollectionCount(1) - _gc0[1]}/{GC.CollectionCount(2) - _gc0[2]} (gen0/1/2), pause {(GC.GetTotalPauseDuration() - _pause0).TotalMilliseconds:F1} ms; " +
            $"thread pool peak {_maxThreads} threads, {_maxPending} queued"));
        _stop.Dispose();
    }

    private void Sample()
    {
        while (!_stop.IsCancellationRequested)
        {
            _maxThreads = Math.Max(_maxThreads, ThreadPool.ThreadCount);
            _maxPending = Math.Max(_maxPending, (int)Math.Min(int.MaxValue, ThreadPool.PendingWorkItemCount));
            Thread.Sleep(1);
        }
    }
}
