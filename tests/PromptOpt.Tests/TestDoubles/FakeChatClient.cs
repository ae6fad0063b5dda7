using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace PromptOpt.Tests.TestDoubles;

/// <summary>One request the <see cref="FakeChatClient"/> received.</summary>
/// <param name="Messages">The messages, copied.</param>
/// <param name="Options">The options as received (may be <see langword="null"/>).</param>
/// <param name="Index">The 0-based call index (arrival order).</param>
public sealed record FakeChatRequest(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, int Index)
{
    /// <summary>Gets the text of the last user message (or the empty string).</summary>
    public string LastUserText => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
}

/// <summary>
/// A hand-written test double for <see cref="IChatClient"/>: answers through the <see cref="OnGetResponse"/> callback
/// (default: an empty reply), counts calls and records every request. Thread-safe. Streaming calls are answered by
/// the same callback, split into updates.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    private readonly ConcurrentQueue<FakeChatRequest> _requests = new();
    private int _calls;

    /// <summary>Gets or sets the callback producing each response (messages, options, token).</summary>
    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? OnGetResponse { get; set; }

    /// <summary>Gets or sets the metadata returned by <see cref="GetService"/>.</summary>
    public ChatClientMetadata Metadata { get; set; } = new("fake", null, "fake-model");

    /// <summary>Gets the number of calls made so far (streaming included).</summary>
    public int CallCount => Volatile.Read(ref _calls);

    /// <summary>Gets the requests received, in arrival order.</summary>
    public IReadOnlyList<FakeChatRequest> Requests => _requests.OrderBy(r => r.Index).ToList();

    /// <summary>Gets whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Creates a client that replies with <paramref name="reply"/>(last user text) synchronously.</summary>
    /// <param name="reply">Maps the last user message's text to the reply text.</param>
    /// <returns>The client.</returns>
    public static FakeChatClient Replying(Func<string, string> reply) => new()
    {
        OnGetResponse = (messages, _, _) => Task.FromResult(Response(reply(messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty))),
    };

    /// <summary>Builds an assistant response with optional token usage.</summary>
    /// <param name="text">The reply text.</param>
    /// <param name="inputTokens">The input token count.</param>
    /// <param name="outputTokens">The output token count.</param>
    /// <returns>The response.</returns>
    public static ChatResponse Response(string text, long inputTokens = 0, long outputTokens = 0) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
            ModelId = "fake-model",
        };

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        int index = Interlocked.Increment(ref _calls) - 1;
        _requests.Enqueue(new FakeChatRequest(list, options, index));
        return OnGetResponse is { } callback ? callback(list, options, cancellationToken) : Task.FromResult(Response(string.Empty));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => IsDisposed = true;
}
