using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;

namespace PromptOpt.Models;

/// <summary>
/// The retry policy of every model call (chat and embeddings), built once from <see cref="ModelRetryOptions"/> on Polly.Core:
/// retries transient failures (<see cref="ModelErrors.IsTransient"/>: HTTP 429, 5xx and 408, timeouts, dropped connections,
/// malformed replies), waiting for the server's <c>Retry-After</c> when one is given (capped by
/// <see cref="ModelRetryOptions.MaxRetryAfter"/>), else backing off exponentially with jitter (<see cref="Backoff"/>).
/// Each retry is counted on the <see cref="UsageMeter"/> (when given) for the call's role. The caller's cancellation is
/// never retried. Thread-safe.
/// </summary>
internal sealed class ModelRetryPipeline
{
    private static readonly ResiliencePropertyKey<string> RoleKey = new("promptopt.role");
    private static readonly ResiliencePropertyKey<StrongBox<int>> AttemptsKey = new("promptopt.attempts");

    private readonly ResiliencePipeline _pipeline;

    /// <summary>Initializes a new instance of the <see cref="ModelRetryPipeline"/> class.</summary>
    /// <param name="options">The retry options, or <see langword="null"/> for defaults (copied).</param>
    /// <param name="timeProvider">The clock for delays, or <see langword="null"/> for the system clock.</param>
    /// <param name="meter">The meter retries are counted on, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ModelRetryPipeline(ModelRetryOptions? options, TimeProvider? timeProvider, UsageMeter? meter)
    {
        options = options?.Clone() ?? new ModelRetryOptions();
        options.Validate();
        _pipeline = Build(options, timeProvider ?? TimeProvider.System, meter);
    }

    /// <summary>Makes a call, retrying transient failures.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TState">The state passed to <paramref name="call"/> (avoids a closure).</typeparam>
    /// <param name="call">One attempt.</param>
    /// <param name="state">The state.</param>
    /// <param name="role">The role retries are counted for.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ModelCallException">The call failed permanently, or still failed after the last attempt ("gave up after N attempts").</exception>
    public async Task<TResult> ExecuteAsync<TResult, TState>(
        Func<TState, CancellationToken, Task<TResult>> call, TState state, string role, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: false, cancellationToken);
        var attempts = new StrongBox<int>();
        context.Properties.Set(RoleKey, role);
        context.Properties.Set(AttemptsKey, attempts);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, s) =>
                {
                    ctx.Properties.GetValue(AttemptsKey, new StrongBox<int>()).Value++;
                    return await s.Call(s.State, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Call: call, State: state)).ConfigureAwait(false);
        }
        catch (ModelCallException ex) when (ex.IsTransient && attempts.Value > 1 && !cancellationToken.IsCancellationRequested)
        {
            throw new ModelCallException($"{ex.Message} (gave up after {attempts.Value} attempts)", ex.StatusCode, true, ex.RetryAfter, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Exponential backoff: <c>BaseDelay · 2^attempt</c>, scaled by a jitter factor in [0.5, 1.5), capped at <c>MaxDelay</c>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="attempt">The 0-based retry number.</param>
    /// <param name="uniform">A uniform draw in [0, 1) (0.5 without jitter).</param>
    /// <returns>The delay.</returns>
    internal static TimeSpan Backoff(ModelRetryOptions options, int attempt, double uniform)
    {
        var ticks = options.BaseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 30)) * (0.5 + uniform);
        return ticks >= options.MaxDelay.Ticks ? options.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private static ResiliencePipeline Build(ModelRetryOptions o, TimeProvider timeProvider, UsageMeter? meter)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (o.MaxAttempts <= 1)
        {
            return builder.Build();
        }

        var jitter = new Random(o.JitterSeed);
        var jitterGate = new Lock();
        double NextJitter()
        {
            lock (jitterGate)
            {
                return jitter.NextDouble();
            }
        }

        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = o.MaxAttempts - 1,

            // Every delay comes from DelayGenerator below; Polly only caps it.
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
            Delay = o.BaseDelay,
            MaxDelay = o.MaxDelay > o.MaxRetryAfter ? o.MaxDelay : o.MaxRetryAfter,
            // A refused connection (nothing listens) gets a few quick tries only: waiting longer rarely helps, and the
            // user should hear at once that the endpoint is down.
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } ex && ModelErrors.IsTransient(ex, args.Context.CancellationToken)
                && (!ModelErrors.IsConnectionRefused(ex) || args.AttemptNumber + 1 < o.MaxConnectionRefusedAttempts)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                args.Outcome.Exception is { } ex && ModelErrors.IsConnectionRefused(ex)
                    ? o.ConnectionRefusedDelay * Math.Pow(2, Math.Min(args.AttemptNumber, 10))
                    : args.Outcome.Exception is { } ex2 && ModelErrors.GetRetryAfter(ex2, timeProvider) is { } after
                    ? (after > o.MaxRetryAfter ? o.MaxRetryAfter : after) // the server knows best
                    : Backoff(o, args.AttemptNumber, o.UseJitter ? NextJitter() : 0.5)),
            OnRetry = args =>
            {
                var retryRole = args.Context.Properties.GetValue(RoleKey, ModelRoles.Task);
                meter?.RecordRetry(retryRole);
                Telemetry.PromptOptTelemetry.RecordRetry(retryRole, null);
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }
}
