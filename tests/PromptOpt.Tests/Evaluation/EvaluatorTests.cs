using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;
using PromptOpt.Models;
using PromptOpt.Prompts;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Evaluation;

public sealed class EvaluatorTests
{
    private static readonly Prompt Prompt = Prompt.FromInstruction("Answer the question.");

    private static List<Example> Questions(int count) =>
        Enumerable.Range(0, count).Select(i => new Example($"e{i}", $"q{i}", $"a{i}")).ToList();

    /// <summary>Replies "a{i}" to "q{i}" (so every answer is right) after a delay that makes later examples finish first.</summary>
    private static FakeChatClient EchoClient(int count, Func<int, string>? reply = null) => new()
    {
        OnGetResponse = async (messages, _, ct) =>
        {
            var text = messages[^1].Text;
            int i = int.Parse(text[(text.LastIndexOf('q') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay((count - i) * 2, ct);
            return FakeChatClient.Response(reply?.Invoke(i) ?? $"<answer>a{i}</answer>", inputTokens: 10, outputTokens: 3);
        },
    };

    [Fact]
    public async Task EvaluateAsync_Concurrent_ResultsInInputOrder()
    {
        var examples = Questions(20);
        var model = EchoClient(20);

        var result = await Evaluator.EvaluateAsync(model, Prompt, examples, ExactMatchMetric.Instance, new EvaluationOptions { MaxConcurrency = 8 });

        Assert.Equal(examples, result.Results.Select(r => r.Example));
        Assert.Equal(examples.Select(e => $"<answer>{e.Target}</answer>"), result.Results.Select(r => r.Response));
        Assert.Equal(1.0, result.Score);
        Assert.Empty(result.Failures);
        Assert.Equal(20, model.CallCount);
        Assert.All(result.Results, r => Assert.Equal((10, 3), (r.InputTokens, r.OutputTokens)));
    }

    [Fact]
    public async Task EvaluateAsync_Request_IsRenderedAndTaggedAsTaskRole()
    {
        var model = EchoClient(1);

        var result = await Evaluator.EvaluateAsync(model, Prompt with { System = "Be brief." }, Questions(1), ExactMatchMetric.Instance,
            new EvaluationOptions { Temperature = 0, MaxOutputTokens = 64 });

        var request = Assert.Single(model.Requests);
        Assert.Equal([ChatRole.System, ChatRole.User], request.Messages.Select(m => m.Role));
        Assert.Equal("Answer the question.\n\nq0", request.LastUserText);
        Assert.Equal(ModelRoles.Task, request.Options.GetRole());
        Assert.Equal(0f, request.Options!.Temperature);
        Assert.Equal(64, request.Options.MaxOutputTokens);
        Assert.Equal(request.Messages.Select(m => m.Text), result.Results[0].Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task EvaluateAsync_RoleOption_TagsRequests()
    {
        var model = EchoClient(2);

        await Evaluator.EvaluateAsync(model, Prompt, Questions(2), ExactMatchMetric.Instance, new EvaluationOptions { Role = ModelRoles.Test });

        Assert.All(model.Requests, r => Assert.Equal(ModelRoles.Test, r.Options.GetRole()));
    }

    [Fact]
    public async Task EvaluateAsync_WrongAnswers_ScoreIsMeanAndFeedbackKept()
    {
        var model = EchoClient(4, i => i % 2 == 0 ? $"<answer>a{i}</answer>" : "<answer>nope</answer>");

        var result = await Evaluator.EvaluateAsync(model, Prompt, Questions(4), ExactMatchMetric.Instance);

        Assert.Equal(0.5, result.Score);
        Assert.Equal(["e1", "e3"], result.Failures.Select(f => f.Example.Id));
        Assert.Equal("expected \"a1\", got \"nope\"", result.Failures[0].Feedback);
        Assert.Equal(0, result.Errors);
    }

    [Fact]
    public async Task EvaluateAsync_OneCallFails_RecordedWithFailureScoreNoException()
    {
        var inner = EchoClient(5);
        var model = new FakeChatClient
        {
            OnGetResponse = (m, o, ct) => m[^1].Text.EndsWith("q2", StringComparison.Ordinal)
                ? throw new InvalidOperationException("boom on q2")
                : inner.GetResponseAsync(m, o, ct),
        };

        var result = await Evaluator.EvaluateAsync(model, Prompt, Questions(5), ExactMatchMetric.Instance,
            new EvaluationOptions { FailureScore = 0.25, MaxErrors = 0 + 1 });

        var failed = result.Results[2];
        Assert.Equal("boom on q2", failed.Error);
        Assert.Equal(0.25, failed.Score);
        Assert.Null(failed.Response);
        Assert.True(failed.IsFailure);
        Assert.Equal(1, result.Errors);
        Assert.Equal((4 + 0.25) / 5, result.Score, 10);
        Assert.All(result.Results.Where((_, i) => i != 2), r => Assert.Null(r.Error));
    }

    [Fact]
    public async Task EvaluateAsync_ErrorsOverBudget_AbortsWithFirstErrorMessage()
    {
        var model = new FakeChatClient { OnGetResponse = (_, _, _) => throw new HttpRequestException("401 Unauthorized: invalid API key") };

        var ex = await Assert.ThrowsAsync<EvaluationAbortedException>(() => Evaluator.EvaluateAsync(
            model, Prompt, Questions(50), ExactMatchMetric.Instance, new EvaluationOptions { MaxErrors = 3, MaxConcurrency = 1 }));

        Assert.Contains("401 Unauthorized: invalid API key", ex.Message);
        Assert.Contains("error budget 3", ex.Message);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(4, model.CallCount); // stopped right after the 4th error, not after all 50 calls
    }

    [Fact]
    public async Task EvaluateAsync_ErrorsExactlyAtBudget_DoesNotAbort()
    {
        var model = new FakeChatClient
        {
            OnGetResponse = (m, _, _) => m[^1].Text.EndsWith("q0", StringComparison.Ordinal) || m[^1].Text.EndsWith("q1", StringComparison.Ordinal)
                ? throw new InvalidOperationException("flaky")
                : Task.FromResult(FakeChatClient.Response("<answer>x</answer>")),
        };

        var result = await Evaluator.EvaluateAsync(model, Prompt, Questions(6), ExactMatchMetric.Instance, new EvaluationOptions { MaxErrors = 2 });

        Assert.Equal(2, result.Errors);
    }

    [Fact]
    public async Task EvaluateAsync_LastExamplePushesOverBudget_StillAborts()
    {
        var model = new FakeChatClient
        {
            OnGetResponse = (m, _, _) => m[^1].Text.EndsWith("q2", StringComparison.Ordinal)
                ? throw new InvalidOperationException("only the last fails")
                : Task.FromResult(FakeChatClient.Response("<answer>x</answer>")),
        };

        var ex = await Assert.ThrowsAsync<EvaluationAbortedException>(() => Evaluator.EvaluateAsync(
            model, Prompt, Questions(3), ExactMatchMetric.Instance, new EvaluationOptions { MaxErrors = 0, MaxConcurrency = 1 }));

        Assert.Contains("only the last fails", ex.Message);
    }

    [Fact]
    public async Task EvaluateAsync_BudgetExhausted_Propagates()
    {
        var model = new FakeChatClient
        {
            OnGetResponse = (_, _, _) => throw new BudgetExhaustedException("task-call budget of 2 spent"),
        };

        var ex = await Assert.ThrowsAsync<BudgetExhaustedException>(() => Evaluator.EvaluateAsync(
            model, Prompt, Questions(10), ExactMatchMetric.Instance, new EvaluationOptions { MaxErrors = 100 }));

        Assert.Equal("task-call budget of 2 spent", ex.Message);
    }

    [Fact]
    public async Task EvaluateAsync_BudgetRunsOut_CallsInFlightFinishAndArePaid_NothingMoreStarts()
    {
        // 10 examples at concurrency 4 under a budget of 6 task calls; each call takes 50 ms and notes how it ended.
        var meter = new UsageMeter(new OptimizationBudget { MaxTaskCalls = 6 });
        int started = 0, finished = 0, cancelled = 0;
        var inner = new FakeChatClient
        {
            OnGetResponse = async (_, _, ct) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    await Task.Delay(50, ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }

                Interlocked.Increment(ref finished);
                return FakeChatClient.Response("<answer>x</answer>", inputTokens: 10, outputTokens: 3);
            },
        };
        using var model = new UsageTrackingChatClient(inner, meter);

        var ex = await Assert.ThrowsAsync<BudgetExhaustedException>(() => Evaluator.EvaluateAsync(
            model, Prompt, Questions(10), ExactMatchMetric.Instance, new EvaluationOptions { MaxConcurrency = 4, MaxErrors = 100 }));

        Assert.Contains("budget", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(6, started); // every reservation inside the budget was sent, none beyond it
        Assert.Equal(0, cancelled); // the stop did not hang up on calls already sent
        Assert.Equal(6, finished);
        var usage = meter.Snapshot().For(ModelRoles.Task);
        Assert.Equal(6, usage.Calls);
        Assert.Equal(6, usage.PaidCalls);
        Assert.Equal(0, meter.InFlight);
    }

    [Fact]
    public async Task EvaluateAsync_CallerCancels_Propagates()
    {
        using var cts = new CancellationTokenSource();
        var model = new FakeChatClient
        {
            OnGetResponse = async (_, _, ct) =>
            {
                await cts.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
                return FakeChatClient.Response("never");
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Evaluator.EvaluateAsync(
            model, Prompt, Questions(10), ExactMatchMetric.Instance, new EvaluationOptions { MaxErrors = 100 }, cts.Token));
    }

    [Fact]
    public async Task EvaluateAsync_ForeignCancellation_IsAnOrdinaryError()
    {
        // An HTTP timeout surfaces as TaskCanceledException although nobody cancelled the evaluation.
        var model = new FakeChatClient
        {
            OnGetResponse = (m, _, _) => m[^1].Text.EndsWith("q1", StringComparison.Ordinal)
                ? throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.")
                : Task.FromResult(FakeChatClient.Response("<answer>x</answer>")),
        };

        var result = await Evaluator.EvaluateAsync(model, Prompt, Questions(3), ExactMatchMetric.Instance);

        Assert.Equal(1, result.Errors);
        Assert.Contains("HttpClient.Timeout", result.Results[1].Error);
    }

    [Fact]
    public async Task EvaluateAsync_CacheHitFlag_IsRecorded()
    {
        var model = new FakeChatClient
        {
            OnGetResponse = (_, _, _) =>
            {
                var r = FakeChatClient.Response("<answer>a0</answer>");
                r.AdditionalProperties = new() { [ChatOptionKeys.CacheHit] = true };
                return Task.FromResult(r);
            },
        };

        var result = await Evaluator.EvaluateAsync(model, Prompt, Questions(1), ExactMatchMetric.Instance);

        Assert.Equal(1, result.CacheHits);
    }

    [Fact]
    public async Task EvaluateAsync_MacroF1Metric_UsesItsAggregate()
    {
        var examples = new[] { "Yes", "Yes", "No", "No", "No" }.Select((t, i) => new Example($"e{i}", $"q{i}", t, ["Yes", "No"])).ToList();
        var replies = new[] { "Yes", "No", "No", "I cannot say", "Yes" };
        var model = EchoClient(5, i => replies[i]);

        var result = await Evaluator.EvaluateAsync(model, Prompt, examples, MacroF1Metric.Instance);

        Assert.Equal(0.45, result.Score, 10); // see MacroF1MetricTests: accuracy would be 0.4
    }

    [Fact]
    public async Task EvaluateAsync_NoExamples_ScoreZeroNoCalls()
    {
        var model = new FakeChatClient();

        var result = await Evaluator.EvaluateAsync(model, Prompt, [], ExactMatchMetric.Instance);

        Assert.Equal(0, result.Score);
        Assert.Empty(result.Results);
        Assert.Equal(0, model.CallCount);
    }
}
