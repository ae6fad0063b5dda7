using PromptOpt.Models;
using PromptOpt.Optimizers;

namespace PromptOpt.Tests.Optimizers;

/// <summary>Issue 17, the evaluation queue: all at once when the budget cannot run out, else one at a time as read; results in index order.</summary>
public sealed class EvaluationBatchTests
{
    [Fact]
    public async Task Concurrent_batch_starts_every_item_at_once_and_reads_them_in_index_order()
    {
        var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var started = new List<int>();
        var batch = new EvaluationBatch<int>(4, concurrent: true, i =>
        {
            started.Add(i);
            return gates[i].Task;
        });
        await using var drain = batch.ConfigureAwait(false);

        Assert.Equal([0, 1, 2, 3], started);
        for (int i = 3; i >= 0; i--)
        {
            gates[i].SetResult(i * 10); // completes last-to-first
        }

        Assert.Equal([0, 10, 20, 30], await batch.AllAsync());
    }

    [Fact]
    public async Task Sequential_batch_starts_each_item_only_when_it_is_read()
    {
        var started = new List<int>();
        var batch = new EvaluationBatch<int>(3, concurrent: false, i =>
        {
            started.Add(i);
            return Task.FromResult(i);
        });
        await using var drain = batch.ConfigureAwait(false);

        Assert.Empty(started);
        Assert.Equal(0, await batch[0]);
        Assert.Equal([0], started);
        Assert.Equal(1, await batch[1]);
        Assert.Equal([0, 1], started); // item 2 is never started when the caller stops (e.g. at a budget stop)
    }

    [Fact]
    public async Task Dispose_waits_for_unread_items_and_swallows_their_failures()
    {
        var slow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var batch = new EvaluationBatch<int>(2, concurrent: true, i => i == 0 ? Task.FromException<int>(new InvalidOperationException("first")) : slow.Task);
        await Assert.ThrowsAsync<InvalidOperationException>(() => batch[0]);
        var disposing = batch.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        slow.SetException(new InvalidOperationException("second"));
        await disposing;
    }

    [Theory]
    [InlineData(null, null, null, 1000L, 1000L, true)]
    [InlineData(600L, null, null, 600L, 0L, true)]
    [InlineData(600L, null, null, 601L, 0L, false)]
    [InlineData(null, 5L, null, 0L, 6L, false)]
    [InlineData(null, null, 100000L, 1L, 0L, false)]
    public void CannotRunOut_only_when_the_calls_left_pay_and_no_token_or_dollar_limit_is_set(
        long? taskCalls, long? optimizerCalls, long? tokens, long needTask, long needOptimizer, bool expected)
    {
        var meter = new UsageMeter(new OptimizationBudget { MaxTaskCalls = taskCalls, MaxOptimizerCalls = optimizerCalls, MaxTokens = tokens });
        Assert.Equal(expected, BudgetPlanning.CannotRunOut(meter, needTask, needOptimizer));
    }
}
