using PromptOpt.Optimizers.Expo;

namespace PromptOpt.Tests.Optimizers.Expo;

public class DedicatedThreadSchedulerTests
{
    [Fact]
    public async Task StartNew_RunsOnTheSchedulersOwnThreadsNotThePool()
    {
        using var scheduler = new DedicatedThreadScheduler(2, "test fit");
        var tasks = Enumerable.Range(0, 4)
            .Select(_ => Task.Factory.StartNew(() => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread), CancellationToken.None, TaskCreationOptions.None, scheduler))
            .ToArray();

        var ran = await Task.WhenAll(tasks);

        Assert.All(ran, r => Assert.Equal(("test fit", false), r));
        Assert.Equal(2, scheduler.MaximumConcurrencyLevel);
    }

    [Fact]
    public async Task Dispose_FromOneOfItsOwnTasks_LetsTheQueuedWorkFinish()
    {
        var scheduler = new DedicatedThreadScheduler(1, "test fit");
        var release = new ManualResetEventSlim();
        var first = Task.Factory.StartNew(release.Wait, CancellationToken.None, TaskCreationOptions.None, scheduler);
        var second = Task.Factory.StartNew(() => 42, CancellationToken.None, TaskCreationOptions.None, scheduler);
        var disposing = Task.Factory.StartNew(scheduler.Dispose, CancellationToken.None, TaskCreationOptions.None, scheduler);

        release.Set();
        await Task.WhenAll(first, second, disposing);

        Assert.Equal(42, await second);
        Assert.True(disposing.IsCompletedSuccessfully);
        release.Dispose();
    }
}
