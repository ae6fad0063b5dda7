namespace PromptOpt.Models;

/// <summary>
/// The slots of a <see cref="ThrottlingChatClient"/>: at most <c>capacity</c> holders at once, waiters served first come,
/// first served, with a background lane whose waiters get a free slot only while no foreground waiter is queued (issue 17:
/// the final test scoring, which waits for no score, fills the slots the optimization leaves idle without delaying it).
/// </summary>
/// <remarks>Thread-safe. A cancelled waiter leaves its queue; a slot granted just as the token fires is kept and released by its holder.</remarks>
internal sealed class SlotGate
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _foreground = new();
    private readonly LinkedList<TaskCompletionSource> _background = new();
    private int _free;

    /// <summary>Initializes a new instance of the <see cref="SlotGate"/> class.</summary>
    /// <param name="capacity">The number of slots (at least 1).</param>
    public SlotGate(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _free = capacity;
    }

    /// <summary>Waits for a slot.</summary>
    /// <param name="background">Whether the caller waits in the background lane.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the caller holds a slot.</returns>
    public Task WaitAsync(bool background, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            // A background caller takes a free slot only when no foreground caller waits (then none can be free anyway).
            if (_free > 0 && (!background || _foreground.Count == 0))
            {
                _free--;
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = (background ? _background : _foreground).AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => Cancel(node, cancellationToken));
            _ = node.Value.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return node.Value.Task;
    }

    /// <summary>Releases a slot: to the first foreground waiter, else the first background waiter, else it becomes free.</summary>
    public void Release()
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            var queue = _foreground.Count > 0 ? _foreground : _background.Count > 0 ? _background : null;
            if (queue is null)
            {
                _free++;
                return;
            }

            next = queue.First!.Value;
            queue.RemoveFirst();
        }

        next.SetResult();
    }

    private void Cancel(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (node.List is not { } list)
            {
                return; // already granted: its holder releases the slot
            }

            list.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }
}
