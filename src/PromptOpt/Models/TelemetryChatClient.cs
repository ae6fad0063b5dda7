using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using PromptOpt.Telemetry;

namespace PromptOpt.Models;

/// <summary>
/// Middleware that makes one <c>chat {model}</c> span per model call, with OpenTelemetry GenAI attributes
/// (<c>gen_ai.operation.name</c>, <c>gen_ai.request.model</c>, <c>gen_ai.response.model</c>,
/// <c>gen_ai.usage.input_tokens</c>/<c>output_tokens</c>, <c>gen_ai.request.temperature</c>) plus <c>promptopt.role</c>,
/// <c>promptopt.op</c> and <c>promptopt.cache_hit</c>, and counts calls, tokens and cache hits on
/// <see cref="PromptOptTelemetry.Meter"/>. Prompts and responses are never recorded.
/// </summary>
/// <remarks>
/// Place it OUTSIDE the response cache (before <c>UseCache</c> in the pipeline, outermost is simplest): the cache-hit
/// flag is read from the response (<see cref="ChatOptionsExtensions.IsCacheHit(ChatResponse)"/>), which the cache sets on the way
/// out, and only an outer layer sees cached calls at all. Thread-safe.
/// <code>
/// new ChatPipeline(provider).UseTelemetry().UseUsageTracking(meter).UseCache(cache)…
/// </code>
/// </remarks>
public sealed class TelemetryChatClient : DelegatingChatClient
{
    private readonly TimeProvider _time;
    private readonly string? _defaultModel;
    private readonly string? _provider;

    /// <summary>Initializes a new instance of the <see cref="TelemetryChatClient"/> class.</summary>
    /// <param name="innerClient">The client to wrap.</param>
    /// <param name="timeProvider">The time source for call durations, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public TelemetryChatClient(IChatClient innerClient, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        _time = timeProvider ?? TimeProvider.System;
        var metadata = innerClient.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata;
        _defaultModel = metadata?.DefaultModelId;
        _provider = metadata?.ProviderName;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var activity = Start(options, out var model);
        long start = _time.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            Complete(activity, options, model, response, start, null);
            return response;
        }
        catch (Exception ex)
        {
            Complete(activity, options, model, null, start, ex);
            throw;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var activity = Start(options, out var model);
        long start = _time.GetTimestamp();
        var updates = new List<ChatResponseUpdate>();
        IAsyncEnumerator<ChatResponseUpdate> e;
        try
        {
            e = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            Complete(activity, options, model, null, start, ex);
            throw;
        }

        try
        {
            while (true)
            {
                try
                {
                    if (!await e.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception ex)
                {
                    Complete(activity, options, model, null, start, ex);
                    throw;
                }

                updates.Add(e.Current);
                yield return e.Current;
            }
        }
        finally
        {
            await e.DisposeAsync().ConfigureAwait(false);
        }

        Complete(activity, options, model, updates.ToChatResponse(), start, null);
    }

    private Activity? Start(ChatOptions? options, out string? model)
    {
        model = options?.ModelId ?? _defaultModel;
        var activity = PromptOptTelemetry.ActivitySource.StartActivity(string.IsNullOrEmpty(model) ? "chat" : "chat " + model, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryAttributes.OperationName, "chat")
                .SetTag(TelemetryAttributes.ProviderName, _provider)
                .SetTag(TelemetryAttributes.RequestModel, model)
                .SetTag(TelemetryAttributes.RequestTemperature, options?.Temperature is { } t ? Math.Round((double)t, 6) : null)
                .SetTag(TelemetryAttributes.RequestMaxTokens, options?.MaxOutputTokens)
                .SetTag(TelemetryAttributes.Role, options.GetRole())
                .SetTag(TelemetryAttributes.Operation, options.GetOperation()?.Name);
        }

        return activity;
    }

    private void Complete(Activity? activity, ChatOptions? options, string? model, ChatResponse? response, long start, Exception? error)
    {
        bool cacheHit = response?.IsCacheHit() == true;
        long? input = response?.Usage?.InputTokenCount, output = response?.Usage?.OutputTokenCount;
        string? role = options.GetRole();
        string? errorType = error?.GetType().FullName;
        if (activity is { IsAllDataRequested: true })
        {
            if (response is not null)
            {
                activity.SetTag(TelemetryAttributes.ResponseModel, response.ModelId)
                    .SetTag(TelemetryAttributes.InputTokens, input)
                    .SetTag(TelemetryAttributes.OutputTokens, output)
                    .SetTag(TelemetryAttributes.CacheHit, cacheHit);
                if (response.FinishReason is { } reason)
                {
                    activity.SetTag(TelemetryAttributes.ResponseFinishReasons, new[] { reason.Value });
                }
            }

            if (error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.Message).SetTag(TelemetryAttributes.ErrorType, errorType);
                activity.AddException(error);
            }
        }

        var roleTag = new KeyValuePair<string, object?>(TelemetryAttributes.Role, role);
        var modelTag = new KeyValuePair<string, object?>(TelemetryAttributes.RequestModel, model);
        if (PromptOptTelemetry.Calls.Enabled)
        {
            PromptOptTelemetry.Calls.Add(1, roleTag, modelTag, new(TelemetryAttributes.Operation, options.GetOperation()?.Name),
                new(TelemetryAttributes.CacheHit, cacheHit), new(TelemetryAttributes.ErrorType, errorType));
        }

        if (cacheHit && PromptOptTelemetry.CacheHits.Enabled)
        {
            PromptOptTelemetry.CacheHits.Add(1, roleTag, modelTag);
        }

        if (PromptOptTelemetry.Tokens.Enabled)
        {
            if (input is { } i)
            {
                PromptOptTelemetry.Tokens.Add(i, new(TelemetryAttributes.TokenType, "input"), roleTag, modelTag, new(TelemetryAttributes.CacheHit, cacheHit));
            }

            if (output is { } o)
            {
                PromptOptTelemetry.Tokens.Add(o, new(TelemetryAttributes.TokenType, "output"), roleTag, modelTag, new(TelemetryAttributes.CacheHit, cacheHit));
            }
        }

        if (PromptOptTelemetry.Duration.Enabled)
        {
            PromptOptTelemetry.Duration.Record(_time.GetElapsedTime(start).TotalSeconds,
                new(TelemetryAttributes.OperationName, "chat"), modelTag, new(TelemetryAttributes.ErrorType, errorType));
        }
    }
}

/// <summary>The <c>UseTelemetry</c> extension of <see cref="ChatPipeline"/>.</summary>
public static class TelemetryChatPipelineExtensions
{
    /// <summary>
    /// Adds a <see cref="TelemetryChatClient"/>. Call it FIRST (outermost), or at least before <c>UseCache</c>, so it sees
    /// cached calls and their cache-hit flag: <c>new ChatPipeline(provider).UseTelemetry().UseUsageTracking(meter).UseCache(cache)…</c>.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="timeProvider">The time source for call durations, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The pipeline.</returns>
    public static ChatPipeline UseTelemetry(this ChatPipeline pipeline, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return pipeline.Use(inner => new TelemetryChatClient(inner, timeProvider));
    }
}
