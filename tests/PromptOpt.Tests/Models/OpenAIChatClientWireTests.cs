using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Tests.Models;

public sealed class OpenAIChatClientWireTests
{
    private const string Key = "sk-test-secret-key-1234567890";

    private static IChatClient Adapter(LoopbackServer server, TimeSpan? timeout = null, bool forward = false) =>
        OpenAIChatClients.Create(server.BaseUrl, "test-model", Key, timeout ?? TimeSpan.FromSeconds(10), forwardPromptOptProperties: forward);

    private static IChatClient Pipeline(LoopbackServer server, UsageMeter meter, int maxAttempts = 4, TimeSpan? timeout = null) =>
        new ChatClientBuilder(Adapter(server, timeout))
            .UseUsageTracking(meter)
            .UseResilience(new ModelRetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) }, meter: meter)
            .Build();

    private static List<ChatMessage> Messages() =>
        [new(ChatRole.System, "You are terse."), new(ChatRole.User, "What is 2+2?"), new(ChatRole.Assistant, "4"), new(ChatRole.User, "And 3+3?")];

    [Fact]
    public async Task GetResponseAsync_Request_SendsModelMessagesAndOptionsOnTheWire()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Completion("6", 21, 3));
        using var client = Adapter(server);
        var options = new ChatOptions
        {
            Temperature = 0.25f,
            TopP = 0.5f,
            MaxOutputTokens = 64,
            StopSequences = ["END"],
            Seed = 42,
        };

        var response = await client.GetResponseAsync(Messages(), options);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        var json = request.Json;
        Assert.Equal("test-model", json["model"]!.GetValue<string>());
        var messages = json["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("And 3+3?", messages[3]!["content"]!.GetValue<string>());
        Assert.Equal(0.25, json["temperature"]!.GetValue<double>(), 6);
        Assert.Equal(0.5, json["top_p"]!.GetValue<double>(), 6);
        Assert.Equal(64, (json["max_completion_tokens"] ?? json["max_tokens"])!.GetValue<int>());
        Assert.Equal("END", json["stop"]!.AsArray().Single()!.GetValue<string>());
        Assert.Equal(42, json["seed"]!.GetValue<long>());
        Assert.False(json.ContainsKey("promptopt"));
        Assert.Equal("Bearer " + Key, request.Headers["Authorization"]);

        Assert.Equal("6", response.Text);
        Assert.Equal("test-model", response.ModelId);
        Assert.Equal(21, response.Usage!.InputTokenCount);
        Assert.Equal(3, response.Usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_ForwardingOn_SendsPromptOptTagsAsJsonProperty()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Completion("ok"));
        using var client = Adapter(server, forward: true);
        var op = new LlmOperation("propose", new JsonObject { ["n"] = 3 });
        var options = new ChatOptions { Temperature = 0.7f }.WithPromptOpt(ModelRoles.Optimizer, op, sampleIndex: 2);

        await client.GetResponseAsync(Messages(), options);

        var forwarded = server.Requests.Single().Json["promptopt"]!.AsObject();
        Assert.Equal("optimizer", forwarded["role"]!.GetValue<string>());
        Assert.Equal("propose", forwarded["op"]!["name"]!.GetValue<string>());
        Assert.Equal(3, forwarded["op"]!["args"]!["n"]!.GetValue<int>());
        Assert.Equal(2, forwarded["sample"]!.GetValue<int>());
    }

    [Fact]
    public async Task GetService_Metadata_ReportsProviderEndpointAndModel()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Completion("ok"));
        using var client = Adapter(server);

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("openai-compatible", metadata.ProviderName);
        Assert.Equal("test-model", metadata.DefaultModelId);
        Assert.Equal(server.BaseUrl, metadata.ProviderUri);
        Assert.NotNull(client.GetService<OpenAI.Chat.ChatClient>());
    }

    [Fact]
    public async Task Pipeline_429WithRetryAfter_RetriesAfterThatDelay()
    {
        await using var server = await LoopbackServer.StartAsync(
            ScriptedResponse.Error(429, "slow down", LoopbackServer.RetryAfter(1)),
            ScriptedResponse.Completion("done"));
        var meter = new UsageMeter();
        using var client = Pipeline(server, meter);

        var response = await client.GetResponseAsync(Messages());

        Assert.Equal("done", response.Text);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(server.Gap(0, 1) >= TimeSpan.FromMilliseconds(950), $"retried after {server.Gap(0, 1)}, before Retry-After: 1");
        Assert.Equal(1, meter.Snapshot().For(ModelRoles.Task).Retries);
    }

    [Fact]
    public async Task Pipeline_500ThenSuccess_Retries()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Error(500, "boom"), ScriptedResponse.Completion("fine"));
        using var client = Pipeline(server, new UsageMeter());

        var response = await client.GetResponseAsync(Messages());

        Assert.Equal("fine", response.Text);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Pipeline_MalformedJson_Retries()
    {
        await using var server = await LoopbackServer.StartAsync(new ScriptedResponse(200, "{\"id\": \"x\", \"choices\": [ {"), ScriptedResponse.Completion("fine"));
        using var client = Pipeline(server, new UsageMeter());

        var response = await client.GetResponseAsync(Messages());

        Assert.Equal("fine", response.Text);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Pipeline_DroppedConnection_Retries()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Drop, ScriptedResponse.Completion("fine"));
        using var client = Pipeline(server, new UsageMeter());

        var response = await client.GetResponseAsync(Messages());

        Assert.Equal("fine", response.Text);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Pipeline_NetworkTimeout_Retries()
    {
        await using var server = await LoopbackServer.StartAsync(
            ScriptedResponse.Completion("late") with { Delay = TimeSpan.FromSeconds(3) },
            ScriptedResponse.Completion("fine"));
        using var client = Pipeline(server, new UsageMeter(), timeout: TimeSpan.FromMilliseconds(300));

        var response = await client.GetResponseAsync(Messages());

        Assert.Equal("fine", response.Text);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Pipeline_401_FailsFastWithOneLineMessageWithoutTheKey()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Error(401, "Incorrect API key provided: " + Key, code: "invalid_api_key"));
        using var client = Pipeline(server, new UsageMeter());

        var ex = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync(Messages()));

        Assert.Single(server.Requests);
        Assert.Equal(401, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.StartsWith("401 Unauthorized from http://127.0.0.1:", ex.Message);
        Assert.EndsWith("check OPENAI_API_KEY", ex.Message);
        Assert.DoesNotContain(Key, ex.Message);
        Assert.DoesNotContain("secret-key", ex.ToString());
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData(400, "400 Bad Request")]
    [InlineData(404, "model 'test-model'")]
    [InlineData(422, "422")]
    public async Task Pipeline_RequestError_FailsFastWithServerMessage(int status, string expected)
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Error(status, "max_tokens is too large\nreally"));
        using var client = Pipeline(server, new UsageMeter());

        var ex = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync(Messages()));

        Assert.Single(server.Requests);
        Assert.Contains(expected, ex.Message);
        Assert.Contains("max_tokens is too large really", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task Pipeline_AlwaysFailing_GivesUpAfterMaxAttempts()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Error(503, "overloaded"));
        var meter = new UsageMeter();
        using var client = Pipeline(server, meter, maxAttempts: 3);

        var ex = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync(Messages()));

        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("503", ex.Message);
        Assert.Contains("gave up after 3 attempts", ex.Message);
        Assert.Equal(2, meter.Snapshot().For(ModelRoles.Task).Retries);
        Assert.Equal(0, meter.InFlight);
    }

    [Fact]
    public async Task Pipeline_Success_CountsUsageInMeter()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Completion("x", 100, 20, "gpt-4o-mini"));
        var meter = new UsageMeter();
        using var client = Pipeline(server, meter);

        await client.GetResponseAsync(Messages());
        await client.GetResponseAsync(Messages(), new ChatOptions().WithPromptOpt(ModelRoles.Optimizer));

        var task = meter.Snapshot().For(ModelRoles.Task);
        Assert.Equal(1, task.PaidCalls);
        Assert.Equal(100, task.InputTokens);
        Assert.Equal(20, task.OutputTokens);
        Assert.Equal(1, meter.Snapshot().For(ModelRoles.Optimizer).PaidCalls);
        Assert.True(meter.Snapshot().Total.EstimatedDollars > 0m);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReturnsTheWholeResponse()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Completion("all at once"));
        using var client = Adapter(server);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(Messages()))
        {
            updates.Add(u);
        }

        Assert.Equal("all at once", updates.ToChatResponse().Text);
    }
}
