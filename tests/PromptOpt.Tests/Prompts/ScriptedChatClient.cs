using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Tests.Prompts;

/// <summary>A fake optimizer model that replies from a script and records every call.</summary>
internal sealed class ScriptedChatClient(params string[] replies) : IChatClient
{
    private int _next;

    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        lock (Calls)
        {
            Calls.Add((messages.ToList(), options));
            var reply = replies[Math.Min(_next++, replies.Length - 1)];
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
        }
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    public LlmOperation? OperationOf(int call) => Calls[call].Options.GetOperation();
}
