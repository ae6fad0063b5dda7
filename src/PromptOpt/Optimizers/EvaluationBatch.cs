namespace PromptOpt.Optimizers;

/// <summary>
/// The run's evaluation queue (issue 17): work that does not depend on a pending score — every candidate of a step, every
/// beam member's minibatch, every arm of a selection, every finalist, every independent proposal call — submitted at once,
/// so the model pipeline's concurrency limit (a FIFO throttle) stays full instead of draining at the end of each
/// evaluation. Create one with <see cref="OptimizationSession.Batch{T}"/>; read the results in index order with
/// <see cref="this[int]"/>, so everything that follows (candidate ids, events, random draws) happens in the order it did
/// when each item was awaited before the next was started. Requests, cache keys and results are those of that sequential
/// order: only when they run changes.
/// </summary>
/// <remarks>
/// <para>When the budget could run out inside the batch (<see cref="BudgetPlanning.CannotRunOut"/> is false: the calls
/// left do not cover the batch, or a token or dollar limit is set), the items run one at a time, each started when it is
/// read, so a budget stop happens at the same call and with the same calls paid as before.</para>
/// <para>Dispose it (<c>await using</c>) so that items a caller did not read (it stopped at an error) finish before the run
/// goes on; their failures are not rethrown.</para>
/// </remarks>
/// <typeparam name="T">The item's result.</typeparam>
internal sealed class EvaluationBatch<T> : IAsyncDisposable
{
    private readonly Func<int, Task<T>> _start;
    private readonly Task<T>?[] _items;

    internal EvaluationBatch(int count, bool concurrent, Func<int, Task<T>> start)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _start = start ?? throw new ArgumentNullException(nameof(start));
        _items = new Task<T>?[count];
        Concurrent = concurrent;
        if (concurrent)
        {
            // Started in index order, so each item's synchronous part (memo and ledger look-ups) runs in that order.
            for (int i = 0; i < count; i++)
            {
                _items[i] = Start(i);
            }
        }
    }

    /// <summary>Gets the number of items.</summary>
    public int Count => _items.Length;

    /// <summary>Gets whether all items were started at once (otherwise each starts when it is read).</summary>
    public bool Concurrent { get; }

    /// <summary>Gets item <paramref name="index"/>'s result, starting it now if it has not started.</summary>
    /// <param name="index">The item's index.</param>
    /// <returns>The item's task.</returns>
    public Task<T> this[int index] => _items[index] ??= Start(index);

    /// <summary>Reads every item in index order.</summary>
    /// <returns>The results, in index order.</returns>
    public async Task<IReadOnlyList<T>> AllAsync()
    {
        var results = new T[_items.Length];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = await this[i].ConfigureAwait(false);
        }

        return results;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var item in _items)
        {
            if (item is not null)
            {
                try
                {
                    await item.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Observed here; the caller has already seen (or stopped before) the failure that matters.
                }
            }
        }
    }

    private Task<T> Start(int index)
    {
        try
        {
            return _start(index);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Task.FromException<T>(ex);
        }
    }
}
