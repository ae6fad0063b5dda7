using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Cli.Rendering;

/// <summary>
/// Counts the model calls in flight per model (role and spec) and when the oldest started, so a progress line can say
/// what the command is waiting on. Thread-safe.
/// </summary>
internal sealed class CallTracker
{
    private readonly ConcurrentDictionary<long, (string Model, DateTimeOffset Started)> _inFlight = new();
    private long _next;

    /// <summary>Wraps <paramref name="client"/> so its calls are tracked under <paramref name="role"/> and <paramref name="spec"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="role">The role.</param>
    /// <param name="spec">The model spec (key-free).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The tracked client.</returns>
    public IChatClient Track(IChatClient client, string role, string spec, TimeProvider timeProvider) =>
        new TrackedChatClient(client, this, $"{role} model {spec}", timeProvider);

    /// <summary>Describes what is in flight, e.g. <c>waiting on 16 calls to the task model openai:gpt-4o-mini (oldest 12 s)</c>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The description, or <c>no model call in flight</c>.</returns>
    public string Describe(DateTimeOffset now)
    {
        var groups = _inFlight.Values.GroupBy(v => v.Model, StringComparer.Ordinal)
            .Select(g => (Model: g.Key, Count: g.Count(), Oldest: g.Min(v => v.Started)))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Model, StringComparer.Ordinal).ToList();
        if (groups.Count == 0)
        {
            return "no model call in flight";
        }

        return "waiting on " + string.Join("; ", groups.Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Count} call{(g.Count == 1 ? string.Empty : "s")} to the {g.Model} (oldest {Math.Max(0, (now - g.Oldest).TotalSeconds):0} s)")));
    }

    private long Begin(string model, DateTimeOffset now)
    {
        long id = Interlocked.Increment(ref _next);
        _inFlight[id] = (model, now);
        return id;
    }

    private void End(long id) => _inFlight.TryRemove(id, out _);

    private sealed class TrackedChatClient(IChatClient inner, CallTracker tracker, string model, TimeProvider timeProvider) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            long id = tracker.Begin(model, timeProvider.GetUtcNow());
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken);
            }
            finally
            {
                tracker.End(id);
            }
        }
    }
}

/// <summary>
/// When stderr is not a terminal (no progress bar), prints a progress line every <see cref="CliContext.ProgressInterval"/>
/// (10 s by default) while a command works: calls done (paid, cached), retries and what it is waiting on — so a log of a
/// slow or stuck run is never silent for long.
/// </summary>
internal sealed class Heartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private Heartbeat(CliContext context, string label, UsageMeter meter, Func<string>? detail)
    {
        _loop = LoopAsync(context, label, meter, detail, _stop.Token);
    }

    /// <summary>Starts the heartbeat, or returns <see langword="null"/> when stderr is a terminal (a live display shows progress).</summary>
    /// <param name="context">The context.</param>
    /// <param name="label">What is running (e.g. <c>eval navigate</c>).</param>
    /// <param name="meter">The command's usage meter.</param>
    /// <param name="detail">Extra progress (e.g. <c>120/1000 examples</c>), or <see langword="null"/>.</param>
    /// <returns>The heartbeat (dispose to stop it), or <see langword="null"/>.</returns>
    public static Heartbeat? Start(CliContext context, string label, UsageMeter meter, Func<string>? detail = null) =>
        context.ErrorIsTerminal ? null : new Heartbeat(context, label, meter, detail);

    /// <summary>Formats one progress line.</summary>
    /// <param name="context">The context.</param>
    /// <param name="label">What is running.</param>
    /// <param name="meter">The usage meter.</param>
    /// <param name="detail">Extra progress, or <see langword="null"/>.</param>
    /// <returns>The line.</returns>
    public static string Line(CliContext context, string label, UsageMeter meter, string? detail)
    {
        var total = meter.Snapshot().Total;
        return $"progress: {label}{(detail is null ? string.Empty : ": " + detail)}; {TextFormat.Int(total.Calls)} calls done " +
            $"({TextFormat.Int(total.PaidCalls)} paid, {TextFormat.Int(total.CachedCalls)} cached), {TextFormat.Int(total.Retries)} retries; " +
            context.Calls.Describe(context.TimeProvider.GetUtcNow());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        _stop.Dispose();
    }

    private static async Task LoopAsync(CliContext context, string label, UsageMeter meter, Func<string>? detail, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(context.ProgressInterval, context.TimeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var line = Line(context, label, meter, detail?.Invoke());
            lock (context.Err)
            {
                context.Err.WriteLine(line);
                context.Err.Flush();
            }
        }
    }
}
