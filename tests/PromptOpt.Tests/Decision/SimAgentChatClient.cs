using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Decision;

/// <summary>A minimal IChatClient that routes <c>agent_act</c> straight to <see cref="SimulatedAgent.Act"/> and records the requests.</summary>
internal sealed class SimAgentChatClient(SimOptions? options = null) : IChatClient
{
    public SimOptions Options { get; } = options ?? new SimOptions();

    public int Calls { get; private set; }

    public List<ChatOptions?> SeenOptions { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        SeenOptions.Add(options);
        var op = options.GetOperation() ?? throw new InvalidOperationException("no operation");
        Assert.Equal(AgentOperation.Name, op.Name);
        var text = string.Join("\n", messages.Select(m => m.Text));
        var reply = SimulatedAgent.Act(op, text, Options, options.GetSampleIndex());
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
