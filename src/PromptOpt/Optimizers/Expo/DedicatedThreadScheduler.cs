using System.Collections.Concurrent;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// A task scheduler with its own background threads, for CPU-bound work that runs while an asynchronous call is in flight
/// (EXPO's speculative fits while the agent acts).
/// </summary>
/// <remarks>
/// Work on the thread pool would hold the pool's workers (as many as the cores by default) for the whole fit, and the
/// call's own continuations (the HTTP client's, and an in-process server's) would wait for a free worker: on 2 cores two
/// fits on the pool delayed every 50 ms agent reply by ≈ 4 ms (measured under load 5–12, not re-measured quiet;
/// bench/README.md, "EXPO's critical path"). These threads leave the pool free; the operating system shares the cores
/// between them and everything else. Tasks never run inline on a waiting thread. <see cref="Dispose"/> lets queued tasks
/// finish, then ends the threads.
/// </remarks>
internal sealed class DedicatedThreadScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="DedicatedThreadScheduler"/> class and starts its threads.</summary>
    /// <param name="threads">The number of threads (at least 1).</param>
    /// <param name="name">The threads' name (for debuggers and traces).</param>
    public DedicatedThreadScheduler(int threads, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = name };
            _threads[i].Start();
        }
    }

    /// <inheritdoc/>
    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Lets the queued tasks finish, then ends the threads and waits for them.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.CompleteAdding();
        bool onOwnThread = false;
        foreach (var thread in _threads)
        {
            if (thread == Thread.CurrentThread)
            {
                onOwnThread = true; // it ends when this task returns; its queue stays for it
            }
            else
            {
                thread.Join();
            }
        }

        if (!onOwnThread)
        {
            _queue.Dispose();
        }
    }

    /// <inheritdoc/>
    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <inheritdoc/>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    /// <inheritdoc/>
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
