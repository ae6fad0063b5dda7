using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Prompts;

namespace PromptOpt.Tests.Simulation;

/// <summary>A pass-through client that records every reply text in call order.</summary>
internal sealed class RecordingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public List<string> Replies { get; } = [];

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        lock (Replies)
        {
            Replies.Add(response.Text);
        }

        return response;
    }
}

internal static class SimEval
{
    public static async Task<EvaluationResult> RunAsync(IChatClient client, Prompt prompt, IEnumerable<Example> examples, IMetric? metric = null) =>
        await Evaluator.EvaluateAsync(client, prompt, examples.ToList(), metric ?? SimTestTasks.TagOrCueMetric.Instance, new EvaluationOptions { MaxConcurrency = 4 });

    public static async Task<double> ScoreAsync(IChatClient client, Prompt prompt, IEnumerable<Example> examples, IMetric? metric = null) =>
        (await RunAsync(client, prompt, examples, metric)).Score;

    /// <summary>The standard error of the mean score when example i scores 1 with probability q_i.</summary>
    public static double StandardError(IReadOnlyList<double> q) => Math.Sqrt(q.Sum(x => x * (1 - x))) / q.Count;
}
