using System.Diagnostics;
using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Prompts;

namespace PromptOpt.Bench;

/// <summary>Evaluations per second in-process against an instant client: the framework's own overhead.</summary>
internal static class OverheadBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int n = BenchArgs.Positional(args, 1).Int(0, "examples", 200_000, min: 1);
        var examples = Enumerable.Range(0, n).Select(i => new Example($"ex-{i}", $"What is {i} + 1?", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var metric = new InstantMetric();
        var client = new InstantChatClient();
        var prompt = Prompt.FromInstruction("Add the numbers. Answer with only the number.");
        var options = new EvaluationOptions { MaxConcurrency = Environment.ProcessorCount * 4 };

        await Evaluator.EvaluateAsync(client, prompt, examples.Take(5_000).ToList(), metric, options); // warm-up
        var sw = Stopwatch.StartNew();
        var result = await Evaluator.EvaluateAsync(client, prompt, examples, metric, options);
        sw.Stop();
        double perSecond = n / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"| evaluator overhead (instant client, {Environment.ProcessorCount} cores) | {n:N0} examples | {sw.Elapsed.TotalMilliseconds:N0} ms | {perSecond:N0} evaluations/s | score {result.Score:F3} |");
        return 0;
    }

    private sealed class InstantMetric : IMetric
    {
        public string Name => "instant";

        public MetricResult Score(string response, Example example) =>
            new(response == example.Target ? 1 : 0, response, null);
    }

    private sealed class InstantChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var text = messages.Last().Text;
            int start = text.IndexOf("is ", StringComparison.Ordinal) + 3;
            int plus = text.IndexOf(' ', start);
            var answer = (int.Parse(text.AsSpan(start, plus - start), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)) { Usage = new UsageDetails { InputTokenCount = 20, OutputTokenCount = 2 } });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
