using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using PromptOpt.Telemetry;

namespace PromptOpt.Models;

/// <summary>
/// Adds PromptOpt's attributes — <c>promptopt.role</c>, <c>promptopt.op</c> (the operation's name, not its arguments) and
/// <c>promptopt.cache_hit</c> — to the standard GenAI <c>chat {model}</c> span that Microsoft.Extensions.AI's
/// <see cref="OpenTelemetryChatClient"/> directly outside it has started, and counts calls, tokens and cache hits on
/// <see cref="PromptOptTelemetry.Meter"/> (<c>promptopt.calls</c>, <c>promptopt.tokens</c>, <c>promptopt.cache_hits</c>, tagged
/// with role and model; the standard <c>gen_ai.client.*</c> metrics come from the OpenTelemetry client).
/// </summary>
/// <remarks>
/// Add both with <see cref="ChatClientBuilderExtensions.UsePromptOptTelemetry"/>, OUTSIDE the response cache: the cache-hit
/// flag is read from the response (<see cref="ChatOptionsExtensions.IsCacheHit(ChatResponse)"/>), which the cache sets on the
/// way out. It only tags a span of the <c>PromptOpt</c> source of kind client (the GenAI span), never a parent such as
/// <c>evaluate</c>. Thread-safe.
/// </remarks>
public sealed class PromptOptTelemetryChatClient : DelegatingChatClient
{
    private readonly string? _defaultModel;

    /// <summary>Initializes a new instance of the <see cref="PromptOptTelemetryChatClient"/> class.</summary>
    /// <param name="innerClient">The client to wrap.</param>
    public PromptOptTelemetryChatClient(IChatClient innerClient)
        : base(innerClient)
    {
        _defaultModel = innerClient.GetService<ChatClientMetadata>()?.DefaultModelId;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var span = Start(options);
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Complete(span, options, response);
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var span = Start(options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            yield return update;
        }

        Complete(span, options, updates.ToChatResponse());
    }

    /// <summary>Gets the GenAI span the OpenTelemetry client outside has started, or <see langword="null"/>.</summary>
    private static Activity? Start(ChatOptions? options)
    {
        var span = Activity.Current is { Kind: ActivityKind.Client, IsAllDataRequested: true } a && a.Source.Name == PromptOptTelemetry.Name
            && a.GetTagItem(TelemetryAttributes.OperationName) is not null ? a : null;
        span?.SetTag(TelemetryAttributes.Role, options.GetRole()).SetTag(TelemetryAttributes.Operation, options.GetOperation()?.Name);
        return span;
    }

    private void Complete(Activity? span, ChatOptions? options, ChatResponse response)
    {
        bool cacheHit = response.IsCacheHit();
        span?.SetTag(TelemetryAttributes.CacheHit, cacheHit);
        var roleTag = new KeyValuePair<string, object?>(TelemetryAttributes.Role, options.GetRole());
        var modelTag = new KeyValuePair<string, object?>(TelemetryAttributes.RequestModel, options?.ModelId ?? _defaultModel);
        if (PromptOptTelemetry.Calls.Enabled)
        {
            PromptOptTelemetry.Calls.Add(1, roleTag, modelTag, new(TelemetryAttributes.Operation, options.GetOperation()?.Name),
                new(TelemetryAttributes.CacheHit, cacheHit));
        }

        if (cacheHit && PromptOptTelemetry.CacheHits.Enabled)
        {
            PromptOptTelemetry.CacheHits.Add(1, roleTag, modelTag);
        }

        if (PromptOptTelemetry.Tokens.Enabled)
        {
            if (response.Usage?.InputTokenCount is { } i)
            {
                PromptOptTelemetry.Tokens.Add(i, new(TelemetryAttributes.TokenType, "input"), roleTag, modelTag, new(TelemetryAttributes.CacheHit, cacheHit));
            }

            if (response.Usage?.OutputTokenCount is { } o)
            {
                PromptOptTelemetry.Tokens.Add(o, new(TelemetryAttributes.TokenType, "output"), roleTag, modelTag, new(TelemetryAttributes.CacheHit, cacheHit));
            }
        }
    }
}
