using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Tests.Models;

/// <summary>A hand-written fake model: answers with <see cref="OnGetResponse"/> and counts calls per distinct request.</summary>
internal sealed class CountingChatClient : IChatClient
{
    private int _calls;

    public ConcurrentDictionary<string, int> CallsPerRequest { get; } = new();

    /// <summary>Gets or sets the answer; the default echoes the last message with 10/5 tokens.</summary>
    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>> OnGetResponse { get; set; } =
        (messages, _, _) => Task.FromResult(Reply("echo: " + messages[^1].Text));

    public string ModelId { get; set; } = "fake-model";

    public int Calls => Volatile.Read(ref _calls);

    public static ChatResponse Reply(string text, long inputTokens = 10, long outputTokens = 5) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = "fake-model",
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
        };

    public static string Describe(IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        string.Join("|", messages.Select(m => m.Role.Value + ":" + m.Text)) + $"|t={options?.Temperature}|s={options.GetSampleIndex()}";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages.ToList();
        var response = await OnGetResponse(list, options, cancellationToken);
        Interlocked.Increment(ref _calls);
        CallsPerRequest.AddOrUpdate(Describe(list, options), 1, (_, n) => n + 1);
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var u in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return u;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake", null, ModelId) : null;

    public void Dispose()
    {
    }
}

/// <summary>A manually advanced clock.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
