using Microsoft.Extensions.AI;
using Spectre.Console;

namespace PromptOpt.Cli.Rendering;

/// <summary>
/// A progress bar on stderr when stderr is a terminal; a plain progress line every <see cref="CliContext.ProgressInterval"/>
/// when it is redirected (<see cref="Heartbeat"/>).
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> steps.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="context">The context.</param>
    /// <param name="label">The bar's label.</param>
    /// <param name="total">The number of steps.</param>
    /// <param name="meter">The usage meter progress lines report from.</param>
    /// <param name="work">The work; it calls the given action once per completed step.</param>
    /// <returns>The work's result.</returns>
    public static async Task<T> RunAsync<T>(CliContext context, string label, int total, Models.UsageMeter meter, Func<Action, Task<T>> work)
    {
        if (!context.ErrorIsTerminal)
        {
            // Redirected: a plain progress line every few seconds instead of a bar.
            int done = 0;
            await using var heartbeat = Heartbeat.Start(context, label, meter, () => $"{TextFormat.Int(Volatile.Read(ref done))}/{TextFormat.Int(total)} examples");
            return await work(() => Interlocked.Increment(ref done));
        }

        if (total <= 1)
        {
            return await work(static () => { });
        }

        return await context.ErrConsole.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async p =>
            {
                var task = p.AddTask(Markup.Escape(label), maxValue: total);
                return await work(() => task.Increment(1));
            });
    }
}

/// <summary>Calls <see cref="_onCompleted"/> after every response (cached or paid, success or failure).</summary>
internal sealed class ProgressChatClient(IChatClient inner, Action onCompleted) : DelegatingChatClient(inner)
{
    private readonly Action _onCompleted = onCompleted;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        finally
        {
            _onCompleted();
        }
    }
}
