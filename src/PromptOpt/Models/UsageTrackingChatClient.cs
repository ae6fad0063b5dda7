using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>
/// The outermost middleware: reserves every call against the <see cref="UsageMeter"/>'s budget before it is made (throwing
/// <see cref="BudgetExhaustedException"/> when spent) and records its tokens, model and cache-hit flag after. Cache hits
/// count as logical calls, so a resumed run stops exactly where an uninterrupted one would.
/// </summary>
/// <remarks>The role is <see cref="ChatOptionsExtensions.GetRole"/> of the request, else the pipeline's default. Thread-safe.</remarks>
public sealed class UsageTrackingChatClient : DelegatingChatClient
{
    private readonly UsageMeter _meter;
    private readonly string _defaultRole;
    private readonly string? _defaultModelId;

    /// <summary>Initializes a new instance of the <see cref="UsageTrackingChatClient"/> class.</summary>
    /// <param name="innerClient">The inner client.</param>
    /// <param name="meter">The usage meter.</param>
    /// <param name="defaultRole">The role of requests that carry none.</param>
    public UsageTrackingChatClient(IChatClient innerClient, UsageMeter meter, string defaultRole = ModelRoles.Task)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultRole);
        _meter = meter;
        _defaultRole = defaultRole;
        _defaultModelId = innerClient.GetService<ChatClientMetadata>()?.DefaultModelId;
    }

    /// <inheritdoc />
    /// <exception cref="BudgetExhaustedException">The budget does not allow another call.</exception>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var role = options.GetRole() ?? _defaultRole;
        _meter.Reserve(role);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _meter.Release();
            throw;
        }

        _meter.Record(role, response.ModelId ?? _defaultModelId, response.Usage?.InputTokenCount ?? 0,
            response.Usage?.OutputTokenCount ?? 0, response.IsCacheHit());
        return response;
    }

    /// <inheritdoc />
    /// <remarks>Makes one (metered) non-streaming call and returns it as updates.</remarks>
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
