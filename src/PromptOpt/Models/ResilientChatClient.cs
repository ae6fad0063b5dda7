using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;

namespace PromptOpt.Models;

/// <summary>
/// Retries transient failures with a Polly.Core retry pipeline: HTTP 429, 5xx and 408, timeouts, dropped connections and
/// malformed replies. It waits for the server's <c>Retry-After</c> when one is given (capped by
/// <see cref="ModelRetryOptions.MaxRetryAfter"/>), else backs off exponentially with jitter
/// (<c>BaseDelay · 2^retry · U[0.5, 1.5)</c>, capped at <see cref="ModelRetryOptions.MaxDelay"/>). Authentication (401/403) and
/// request errors (400/404/422) fail at once with a one-line <see cref="ModelCallException"/>.
/// </summary>
/// <remarks>
/// Each retry is counted on the <see cref="UsageMeter"/> (when given) for the request's role. Delays use the given
/// <see cref="TimeProvider"/>. The caller's cancellation is never retried. Thread-safe.
/// </remarks>
public sealed class ResilientChatClient : DelegatingChatClient
{
    private static readonly ResiliencePropertyKey<string> RoleKey = new("promptopt.role");
    private static readonly ResiliencePropertyKey<StrongBox<int>> AttemptsKey = new("promptopt.attempts");

    private readonly ResiliencePipeline<ChatResponse> _pipeline;
    private readonly string _defaultRole;

    /// <summary>Initializes a new instance of the <see cref="ResilientChatClient"/> class.</summary>
    /// <param name="innerClient">The inner client (the provider).</param>
    /// <param name="options">The retry options, or <see langword="null"/> for defaults.</param>
    /// <param name="timeProvider">The clock for delays, or <see langword="null"/> for the system clock.</param>
    /// <param name="meter">The meter retries are counted on, or <see langword="null"/>.</param>
    /// <param name="defaultRole">The role of requests that carry none.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ResilientChatClient(
        IChatClient innerClient, ModelRetryOptions? options = null, TimeProvider? timeProvider = null, UsageMeter? meter = null,
        string defaultRole = ModelRoles.Task)
        : base(innerClient)
    {
        options = options?.Clone() ?? new ModelRetryOptions();
        options.Validate();
        _defaultRole = defaultRole;
        _pipeline = BuildPipeline(options, timeProvider ?? TimeProvider.System, meter);
    }

    /// <inheritdoc />
    /// <exception cref="ModelCallException">The call failed permanently, or still failed after the last attempt.</exception>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList(); // may be enumerated once per attempt
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: false, cancellationToken);
        var attempts = new StrongBox<int>();
        context.Properties.Set(RoleKey, options.GetRole() ?? _defaultRole);
        context.Properties.Set(AttemptsKey, attempts);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    ctx.Properties.GetValue(AttemptsKey, new StrongBox<int>()).Value++;
                    return await state.Inner.GetResponseAsync(state.Messages, state.Options, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Inner: InnerClient, Messages: list, Options: options)).ConfigureAwait(false);
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

    /// <inheritdoc />
    /// <remarks>Makes one (retried) non-streaming call and returns it as updates.</remarks>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    private static ResiliencePipeline<ChatResponse> BuildPipeline(ModelRetryOptions options, TimeProvider timeProvider, UsageMeter? meter)
    {
        var builder = new ResiliencePipelineBuilder<ChatResponse> { TimeProvider = timeProvider };
        if (options.MaxAttempts <= 1)
        {
            return builder.Build();
        }

        var jitter = new Random(options.JitterSeed);
        var jitterGate = new Lock();
        double NextJitter()
        {
            lock (jitterGate)
            {
                return jitter.NextDouble();
            }
        }

        var o = options.Clone();
        builder.AddRetry(new RetryStrategyOptions<ChatResponse>
        {
            MaxRetryAttempts = o.MaxAttempts - 1,

            // Every delay comes from DelayGenerator below; Polly only caps it.
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
            Delay = o.BaseDelay,
            MaxDelay = o.MaxDelay > o.MaxRetryAfter ? o.MaxDelay : o.MaxRetryAfter,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } ex && ModelErrors.IsTransient(ex, args.Context.CancellationToken)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                args.Outcome.Exception is { } ex && ModelErrors.GetRetryAfter(ex, timeProvider) is { } after
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
}
