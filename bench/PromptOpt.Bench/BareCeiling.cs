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
    private static async Task<byte[][]> BodiesAsync(string model, Prompt prompt, IReadOnlyList<Example> examples, IMetric metric)
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

    /// <summary>
    /// Runs the ceiling for one level and prints its row in the throughput benches' columns (CPU µs/request last),
    /// followed by <paramref name="tail"/> to fill the bench's remaining columns.
    /// </summary>
    public static async Task RowAsync(
        HttpClient http, Uri baseUrl, string model, Prompt prompt, IReadOnlyList<Example> examples, IMetric metric, int concurrency, int latencyMs, string tail)
    {
        var bodies = await BodiesAsync(model, prompt, examples, metric);
        var chatUrl = new Uri(baseUrl, "chat/completions");
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await ClientCpuBench.RunWorkersAsync(bodies.Length, concurrency, async i =>
        {
            using var content = new ByteArrayContent(bodies[i]);
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync(chatUrl, content);
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync();
        });
        sw.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        int count = bodies.Length;
        double rps = count / sw.Elapsed.TotalSeconds;
        double limit = concurrency * 1000.0 / latencyMs;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {concurrency} bare HttpClient (same bodies) | {count} | {sw.Elapsed.TotalSeconds:F2} | {rps:F1} | {limit:F1} | {100 * rps / limit:F1} % | {cpu.TotalMicroseconds / count:F0} |{tail}"));
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
