using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Storage;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Models;

public sealed class ResumeTests
{
    [Fact]
    public async Task EvaluateAsync_CancelledThenRerunOverSameStore_NeverCallsARequestTwice()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, ".promptopt", "promptopt.db");
        var examples = TestData.Examples(40);
        var metric = new ExactMatchMetric();
        var inner = new CountingChatClient();
        using var cts = new CancellationTokenSource();
        int started = 0;
        inner.OnGetResponse = async (m, _, _) =>
        {
            if (Interlocked.Increment(ref started) == 10)
            {
                cts.Cancel(); // Ctrl-C after the 10th paid call
            }

            await Task.Yield();
            return CountingChatClient.Reply("echo: " + m[^1].Text);
        };
        var options = new EvaluationOptions { MaxConcurrency = 4 };

        using (var store = new PromptOptStore(path))
        {
            var first = ModelFactoryTests.Pipeline(inner, store);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => Evaluator.EvaluateAsync(first, TestData.Prompt, examples, metric, options, cts.Token));
        }

        int paidBeforeResume = inner.Calls;
        EvaluationResult resumed;
        using (var store = new PromptOptStore(path))
        {
            var second = ModelFactoryTests.Pipeline(inner, store);
            resumed = await Evaluator.EvaluateAsync(second, TestData.Prompt, examples, metric, options);
        }

        Assert.InRange(paidBeforeResume, 10, 39);
        Assert.Equal(40, inner.CallsPerRequest.Count);
        Assert.All(inner.CallsPerRequest, kv => Assert.Equal(1, kv.Value));
        Assert.Equal(paidBeforeResume, resumed.CacheHits);
        Assert.Equal(0, resumed.Errors);
    }
}
