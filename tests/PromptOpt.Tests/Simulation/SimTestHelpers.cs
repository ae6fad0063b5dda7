using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Prompts;
using PromptOpt.Simulation.Server;

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

public static class SimFaults
{
    /// <summary>Gets every fault kind of the simulator server, for theories.</summary>
    public static TheoryData<string> Kinds => new() { "429", "500", "503", "malformed", "drop", "timeout" };

    /// <summary>Faults of one kind (<c>429</c>, <c>500</c>, <c>503</c>, <c>malformed</c>, <c>drop</c>, else <c>timeout</c>) at <paramref name="rate"/>.</summary>
    internal static SimulatorFaults Of(string kind, double rate, TimeSpan retryAfter, TimeSpan hang)
    {
        var faults = new SimulatorFaults { RetryAfter = retryAfter, HangDuration = hang };
        switch (kind)
        {
            case "429": faults.RateLimitRate = rate; break;
            case "500": faults.ServerErrorRate = rate; break;
            case "503": faults.UnavailableRate = rate; break;
            case "malformed": faults.MalformedJsonRate = rate; break;
            case "drop": faults.DropConnectionRate = rate; break;
            default: faults.TimeoutRate = rate; break;
        }

        return faults;
    }

    /// <summary>
    /// Asserts the client retried once per injected fault. For <c>timeout</c> only a lower bound holds: a test that
    /// uses a short client timeout to meet the injected hangs also times out an ordinary answer that is merely slow on
    /// a loaded machine (seen: 11 retries for 10 injected timeouts while the Debug suite ran beside it), and retrying
    /// that is the correct behaviour.
    /// </summary>
    internal static void AssertRetriesMatchFaults(string kind, long faults, long retries)
    {
        if (kind == "timeout")
        {
            Assert.InRange(retries, faults, faults * 2);
        }
        else
        {
            Assert.Equal(faults, retries);
        }
    }
}
