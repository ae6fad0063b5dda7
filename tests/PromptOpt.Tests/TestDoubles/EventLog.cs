using PromptOpt.Models;
using PromptOpt.Optimizers;

namespace PromptOpt.Tests.TestDoubles;

/// <summary>
/// A synchronous progress sink (<see cref="Progress{T}"/> would post events later) that records every event, with the
/// task and optimizer calls of <see cref="Meter"/> at the moment it was published (0 without a meter). Thread-safe.
/// </summary>
/// <param name="meter">The meter to read at each event, or <see langword="null"/>.</param>
public sealed class EventLog(UsageMeter? meter = null) : IProgress<OptimizationEvent>
{
    private readonly List<(OptimizationEvent Event, long TaskCalls, long OptimizerCalls)> _entries = [];

    /// <summary>Gets or sets the meter read at each event.</summary>
    public UsageMeter? Meter { get; set; } = meter;

    /// <summary>Gets a copy of the entries so far: each event with the task and optimizer calls metered when it was published.</summary>
    public IReadOnlyList<(OptimizationEvent Event, long TaskCalls, long OptimizerCalls)> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToList();
            }
        }
    }

    /// <summary>Gets a copy of the events so far.</summary>
    public IReadOnlyList<OptimizationEvent> Events => Entries.Select(e => e.Event).ToList();

    /// <summary>Gets the events so far of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <returns>The events, in order.</returns>
    public IReadOnlyList<T> Of<T>() where T : OptimizationEvent => Events.OfType<T>().ToList();

    /// <inheritdoc />
    public void Report(OptimizationEvent value)
    {
        var usage = Meter?.Snapshot();
        lock (_entries)
        {
            _entries.Add((value, usage?.For(ModelRoles.Task).Calls ?? 0, usage?.For(ModelRoles.Optimizer).Calls ?? 0));
        }
    }
}
