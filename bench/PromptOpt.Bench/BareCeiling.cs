using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Prompts;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace PromptOpt.Bench;

/// <summary>
/// Bench only (<c>PROMPTOPT_BENCH_BARE=1</c>, or <c>first</c> to run it before the level): the ceiling of the throughput benches. After a level, the same examples' exact
/// request bodies (what the provider would send for each: the evaluator's messages written by <see cref="OpenAIChatWire"/>,
/// forwarding on) are posted again at the same concurrency by a bare <see cref="HttpClient"/> that only reads the reply's
/// bytes: no SDK, no middleware, no evaluator. What this row reaches is what any client could reach against the same
/// server on the same cores, so it separates "the client path is too expensive" from "the machine cannot do it".
/// </summary>
internal static class BareCeiling
{
    /// <summary>Gets whether the ceiling row is on.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("PROMPTOPT_BENCH_BARE") is "1" or "first";

    /// <summary>Gets whether the ceiling row runs before the level (<c>PROMPTOPT_BENCH_BARE=first</c>) instead of after it.</summary>
    public static bool First => Environment.GetEnvironmentVariable("PROMPTOPT_BENCH_BARE") == "first";

    /// <summary>Captures the request body the provider would send for every example, in order.</summary>
    public static async Task<byte[][]> BodiesAsync(string model, Prompt prompt, IReadOnlyList<Example> examples, IMetric metric)
    {
        var capture = new CapturingChatClient();
        await Evaluator.EvaluateAsync(capture, prompt, examples, metric, new EvaluationOptions { MaxConcurrency = 1 });
        return [.. capture.Calls.Select(c =>
        {
            using var content = OpenAIChatWire.WriteRequest(model, c.Messages, c.Options, forward: true);
            using var stream = new MemoryStream();
            content.WriteTo(stream);
            return stream.ToArray();
        })];
    }

    /// <summary>Posts every body once at <paramref name="concurrency"/>; returns the wall time and this process's CPU.</summary>
    public static async Task<(TimeSpan Wall, TimeSpan Cpu)> RunAsync(HttpClient http, Uri chatUrl, byte[][] bodies, int concurrency)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync(chatUrl, content);
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadAsByteArrayAsync();
            }
        })));
        sw.Stop();
        process.Refresh();
        return (sw.Elapsed, process.TotalProcessorTime - cpu);
    }

    /// <summary>One table row for the ceiling, in the throughput benches' columns (CPU µs/request last).</summary>
    public static string Row(int concurrency, int count, TimeSpan wall, TimeSpan cpu, int latencyMs)
    {
        double rps = count / wall.TotalSeconds;
        double limit = concurrency * 1000.0 / latencyMs;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {concurrency} bare HttpClient (same bodies) | {count} | {wall.TotalSeconds:F2} | {rps:F1} | {limit:F1} | {100 * rps / limit:F1} % | {cpu.TotalMicroseconds / count:F0} |");
    }

    /// <summary>A model that answers "0" and keeps every call's messages and options (cloned), in order.</summary>
    internal sealed class CapturingChatClient : IChatClient
    {
        public ConcurrentQueue<(List<AIChatMessage> Messages, ChatOptions? Options)> Calls { get; } = new();

        public Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls.Enqueue(([.. messages], options?.Clone()));
            return Task.FromResult(new ChatResponse(new AIChatMessage(ChatRole.Assistant, "0")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
