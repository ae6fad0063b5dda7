using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>
/// Retries transient failures with PromptOpt's retry policy (shared with <see cref="ResilientEmbeddingGenerator"/>): HTTP
/// 429, 5xx and 408, timeouts, dropped connections and malformed replies. It waits for the server's <c>Retry-After</c> when one is given (capped by
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
    private readonly ModelRetryPipeline _retry;
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
        _retry = new ModelRetryPipeline(options, timeProvider, meter);
        _defaultRole = defaultRole;
    }

    /// <inheritdoc />
    /// <exception cref="ModelCallException">The call failed permanently, or still failed after the last attempt.</exception>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList(); // may be enumerated once per attempt
        return _retry.ExecuteAsync(
            static (s, ct) => s.Inner.GetResponseAsync(s.Messages, s.Options, ct),
            (Inner: InnerClient, Messages: list, Options: options),
            options.GetRole() ?? _defaultRole,
            cancellationToken);
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
}
