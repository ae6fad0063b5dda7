using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Tests.Models;

public sealed class ChatPipelineTests
{
    private sealed class Recording(IChatClient inner, string name, List<string> log) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            log.Add(name);
            return base.GetResponseAsync(messages, options, cancellationToken);
        }
    }

    [Fact]
    public async Task Build_FirstUse_IsOutermost()
    {
        var log = new List<string>();
        var client = new ChatPipeline(new CountingChatClient())
            .Use(c => new Recording(c, "a", log))
            .Use(c => new Recording(c, "b", log))
            .Use(c => new Recording(c, "c", log))
            .Build();

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);

        Assert.Equal(["a", "b", "c"], log);
    }

    [Fact]
    public void Build_FactoryReturnsNull_ThrowsNamingIndex()
    {
        var pipeline = new ChatPipeline(new CountingChatClient()).Use(c => c).Use(_ => null);

        var ex = Assert.Throws<InvalidOperationException>(() => pipeline.Build());

        Assert.Contains("index 1", ex.Message);
    }

    [Fact]
    public void Build_NoLayers_ReturnsInner()
    {
        var inner = new CountingChatClient();

        Assert.Same(inner, new ChatPipeline(inner).Build());
    }
}
