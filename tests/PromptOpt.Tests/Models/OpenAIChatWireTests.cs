using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Tests.Models;

/// <summary>
/// Pins <see cref="OpenAIChatWire"/> (the protocol-method path of <see cref="OpenAIProviderChatClient"/>) to the SDK's typed
/// path through Microsoft.Extensions.AI.OpenAI: the same request bytes and the same <see cref="ChatResponse"/>.
/// </summary>
public sealed class OpenAIChatWireTests
{
    private const string Model = "test-model";

    private static List<ChatMessage> Messages() =>
        [new(ChatRole.System, "You are terse."), new(ChatRole.User, "What is 2+2?"), new(ChatRole.Assistant, "4"), new(ChatRole.User, "And 3+3?")];

    public static TheoryData<string> Requests() => [.. RequestCases.Keys];

    private static readonly Dictionary<string, (List<ChatMessage> Messages, ChatOptions? Options, bool Forward)> RequestCases = new()
    {
        ["no options"] = (Messages(), null, false),
        ["all sampling options"] = (Messages(), new ChatOptions
        {
            Temperature = 0.25f, TopP = 0.5f, MaxOutputTokens = 64, StopSequences = ["END", "STOP"], Seed = 42, FrequencyPenalty = 0.1f, PresencePenalty = -0.3f,
        }, false),
        ["evaluator options, forwarding"] = (Messages(), new ChatOptions { Temperature = 0.7f, MaxOutputTokens = 256 }.WithPromptOpt(ModelRoles.Task, sampleIndex: 0), true),
        ["evaluator options, not forwarding"] = (Messages(), new ChatOptions { Temperature = 0f, MaxOutputTokens = 256 }.WithPromptOpt(ModelRoles.Task, sampleIndex: 3), false),
        ["operation, forwarding"] = (Messages(), new ChatOptions { Temperature = 1f }.WithPromptOpt(
            ModelRoles.Optimizer, new LlmOperation("propose", new JsonObject { ["n"] = 3, ["text"] = "a+b <é> \"q\"" }), sampleIndex: 2), true),
        ["escaping"] = ([new(ChatRole.User, "héllo <b>&amp;</b> 'x' \"y\" + 😀\n\ttab \u0001 \\")], new ChatOptions { StopSequences = ["<é>"] }, true),
        ["odd role, forwarding"] = (Messages(), new ChatOptions().WithPromptOpt("rôle <x>", sampleIndex: 1), true),
        ["forwarding, no tags"] = (Messages(), new ChatOptions { Temperature = 0.5f }, true),
        ["large"] = ([new(ChatRole.User, new string('x', 50_000))], null, false),
        ["declined: tools"] = (Messages(), new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] }, false),
        ["declined: author name"] = ([new(ChatRole.User, "hi") { AuthorName = "bob" }], null, false),
        ["declined: response format"] = (Messages(), new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, true),
        ["declined: other property"] = (Messages(), new ChatOptions { AdditionalProperties = new() { ["logprobs"] = true } }, false),
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task GetResponseAsync_ProtocolPath_SendsTheSdkPathsBytes(string name)
    {
        var (messages, options, forward) = RequestCases[name];

        var (sdk, _) = await SendAsync(useProtocolMethod: false, messages, options, forward, Completion());
        var (ours, _) = await SendAsync(useProtocolMethod: true, messages, options, forward, Completion());

        Assert.Equal(Encoding.UTF8.GetString(sdk), Encoding.UTF8.GetString(ours));
        Assert.Equal(sdk, ours);
    }

    public static TheoryData<string> Replies() => [.. ReplyCases.Keys];

    private static readonly Dictionary<string, string> ReplyCases = new()
    {
        ["loopback completion"] = Completion(),
        ["simulator completion"] = """{"id":"sim-1","object":"chat.completion","created":1700000001,"model":"sim","system_fingerprint":"promptopt-simulator","choices":[{"index":0,"message":{"role":"assistant","content":"42 é"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""",
        ["length, nulls"] = """{"id":"x","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"cut","refusal":null},"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""",
        ["no usage"] = """{"id":"x","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop"}]}""",
        ["usage details (SDK parse)"] = """{"id":"x","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":1,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""",
        ["tool calls (SDK parse)"] = """{"id":"x","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""",
        ["service tier (SDK parse)"] = """{"id":"x","object":"chat.completion","created":5,"model":"m","service_tier":"default","choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""",
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task GetResponseAsync_ProtocolPath_ReturnsTheSdkPathsResponse(string name)
    {
        var reply = ReplyCases[name];

        var (_, sdk) = await SendAsync(useProtocolMethod: false, Messages(), null, false, reply);
        var (_, ours) = await SendAsync(useProtocolMethod: true, Messages(), null, false, reply);

        Assert.Equal(Serialize(sdk), Serialize(ours));
        Assert.Equal(sdk.Text, ours.Text);
    }

    [Fact]
    public async Task GetResponseAsync_ProtocolPathMalformedReply_ThrowsTransientModelCallException()
    {
        var ex = await Assert.ThrowsAsync<ModelCallException>(() => SendAsync(true, Messages(), null, false, """{"id": "x", "choices": [ {"""));

        Assert.True(ex.IsTransient);
        Assert.StartsWith("malformed JSON reply from", ex.Message);
    }

    [Fact]
    public void ChatOptions_Properties_AreAllKnownToTheProtocolPath()
    {
        // OpenAIChatWire.CanWrite writes or declines each of these; a new ChatOptions property must be added there first.
        string[] known =
        [
            "AdditionalProperties", "AllowBackgroundResponses", "AllowMultipleToolCalls", "ContinuationToken", "ConversationId", "FrequencyPenalty",
            "Instructions", "MaxOutputTokens", "ModelId", "PresencePenalty", "RawRepresentationFactory", "Reasoning", "ResponseFormat", "Seed",
            "StopSequences", "Temperature", "ToolMode", "Tools", "TopK", "TopP",
        ];

        Assert.Equal(known, typeof(ChatOptions).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static string Serialize(ChatResponse response) => JsonSerializer.Serialize(response, AIJsonUtilities.DefaultOptions);

    private static string Completion() => ScriptedResponse.Completion("6 <é>", 21, 3).Body;

    private static async Task<(byte[] Request, ChatResponse Response)> SendAsync(
        bool useProtocolMethod, List<ChatMessage> messages, ChatOptions? options, bool forward, string reply)
    {
        var handler = new CannedHandler(reply);
        using var http = new HttpClient(handler);
        var endpoint = new Uri("http://127.0.0.1:9/v1");
        var sdk = new OpenAI.Chat.ChatClient(Model, OpenAIClientSetup.Credential("k"), OpenAIClientSetup.Options(endpoint, TimeSpan.FromSeconds(10), http));
        using var client = new OpenAIProviderChatClient(sdk, Model, "openai-compatible", endpoint, null, "k", TimeSpan.FromSeconds(10), forward, null, useProtocolMethod);
        var response = await client.GetResponseAsync([.. messages], options?.Clone());
        return (handler.Body!, response);
    }

    private sealed class CannedHandler(string reply) : HttpMessageHandler
    {
        public byte[]? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(reply, Encoding.UTF8, "application/json") };
        }
    }
}
