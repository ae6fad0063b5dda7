using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatClient = OpenAI.Chat.ChatClient;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace PromptOpt.Models;

/// <summary>
/// The bottom of a chat pipeline for an OpenAI(-compatible) endpoint: Microsoft.Extensions.AI.OpenAI's client
/// (<c>ChatClient.AsIChatClient()</c>) with PromptOpt's own edges around it. It turns every failure into a one-line,
/// key-free <see cref="ModelCallException"/> marked transient or not (see <see cref="ProviderCall"/>), so the retry
/// middleware (not the SDK, whose retry is off) decides what to do.
/// With forwarding on it sends PromptOpt's tags (role, <c>promptopt.op</c>, sample index) as a top-level <c>promptopt</c>
/// JSON property, for PromptOpt's simulator server. It reports <see cref="ChatClientMetadata"/> with PromptOpt's provider
/// names (<c>openai</c> / <c>openai-compatible</c>), which the response cache's keys are scoped by.
/// </summary>
/// <remarks>
/// <para>The common calls (text messages, sampling options, PromptOpt's tags) skip the SDK's and MEAI's object models: the
/// request body is written by <see cref="OpenAIChatWire"/> (byte for byte what they would send) and sent with the SDK's
/// protocol method <c>CompleteChatAsync(BinaryContent, RequestOptions)</c>, so the SDK's pipeline, headers, network timeout
/// and <see cref="ClientResultException"/>s are unchanged, and the reply is read straight into a <see cref="ChatResponse"/>
/// (or, when it has anything unusual, by the SDK and MEAI's <c>AsChatResponse</c>). Everything else goes through
/// <c>AsIChatClient()</c>.</para>
/// <para>Streaming is not used by PromptOpt: <see cref="GetStreamingResponseAsync"/> makes one non-streamed call and returns it as
/// updates (so it is retried, cached and metered like any other call). Thread-safe.</para>
/// </remarks>
internal sealed class OpenAIProviderChatClient : DelegatingChatClient
{
    /// <summary>The top-level JSON property carrying PromptOpt's tags when forwarding is on.</summary>
    public const string ForwardedPropertyName = "promptopt";

    private readonly ChatClientMetadata _metadata;
    private readonly ProviderCall _site;
    private readonly bool _forward;
    private readonly ChatClient _client;
    private readonly string _model;
    private readonly bool _protocol;

    /// <summary>Initializes a new instance of the <see cref="OpenAIProviderChatClient"/> class.</summary>
    /// <param name="client">The SDK client (its own retry off).</param>
    /// <param name="model">The model the client was created for.</param>
    /// <param name="providerName">The provider name reported in <see cref="ChatClientMetadata"/>.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="apiKeyVariable">The key variable's name, for messages.</param>
    /// <param name="apiKey">The key in use, only to mask it should a server echo it.</param>
    /// <param name="timeout">The network timeout, for messages.</param>
    /// <param name="forwardPromptOptProperties">Whether to send PromptOpt's tags as a top-level <c>promptopt</c> JSON property.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="useProtocolMethod">
    /// Whether common calls use <see cref="OpenAIChatWire"/> and the SDK's protocol method (the default); <see langword="false"/>
    /// sends everything through <c>AsIChatClient()</c> (the wire tests compare the two).
    /// </param>
    public OpenAIProviderChatClient(
        ChatClient client, string model, string providerName, Uri endpoint, string? apiKeyVariable, string? apiKey, TimeSpan timeout,
        bool forwardPromptOptProperties, TimeProvider? timeProvider = null, bool useProtocolMethod = true)
        : base(client.AsIChatClient())
    {
        _site = ProviderCall.Create(endpoint, model, "chat-completions", apiKeyVariable, apiKey, timeout, timeProvider);
        _metadata = new ChatClientMetadata(providerName, endpoint, model);
        _forward = forwardPromptOptProperties;
        _client = client;
        _model = model;
        _protocol = useProtocolMethod;
    }

    /// <inheritdoc />
    /// <exception cref="ModelCallException">The call failed.</exception>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (_protocol)
        {
            var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
            if (OpenAIChatWire.CanWrite(list, options))
            {
                return await _site.InvokeAsync(ct => SendAsync(list, options, ct), cancellationToken).ConfigureAwait(false);
            }

            messages = list;
        }

        var sent = _forward ? WithForwardedProperties(options) : options;
        return await _site.InvokeAsync(ct => base.GetResponseAsync(messages, sent, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Makes one non-streamed call and returns the complete response as updates.</remarks>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <summary>One call through the SDK's protocol method with <see cref="OpenAIChatWire"/>'s body.</summary>
    private async Task<ChatResponse> SendAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        using var body = OpenAIChatWire.WriteRequest(_model, messages, options, _forward);
        var result = await _client.CompleteChatAsync(body, new RequestOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
        var reply = result.GetRawResponse().Content;
        if (OpenAIChatWire.TryReadResponse(reply.ToMemory().Span) is { } response)
        {
            return response;
        }

        // Anything unusual (tool calls, usage details, a refusal…): the SDK's model and MEAI's conversion, as before.
#pragma warning disable OPENAI001 // OpenAIContext and AsChatResponse are marked for evaluation; they are what AsIChatClient() uses.
        var completion = ModelReaderWriter.Read<ChatCompletion>(reply, ModelReaderWriterOptions.Json, OpenAI.OpenAIContext.Default)
            ?? throw new System.Text.Json.JsonException("empty reply");
        return completion.AsChatResponse();
#pragma warning restore OPENAI001
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata : base.GetService(serviceType, serviceKey);
    }

    /// <summary>
    /// Returns <paramref name="options"/> with a <see cref="ChatOptions.RawRepresentationFactory"/> that adds the
    /// <c>promptopt</c> JSON property to the SDK request (Microsoft.Extensions.AI.OpenAI fills in the rest), or the options
    /// unchanged when they carry no PromptOpt tags. The caller's options are not modified.
    /// </summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The options to send.</returns>
    internal static ChatOptions? WithForwardedProperties(ChatOptions? options)
    {
        if (options is null || ForwardedProperties(options) is not { } forwarded)
        {
            return options;
        }

        var json = BinaryData.FromString(forwarded.ToJsonString());
        var previous = options.RawRepresentationFactory;
        var copy = options.Clone();
        copy.RawRepresentationFactory = client =>
        {
            var sdk = previous?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
#pragma warning disable SCME0001 // JsonPatch is the SDK's documented way to add request fields; marked for evaluation.
            sdk.Patch.Set("$.promptopt"u8, json); // ForwardedPropertyName
#pragma warning restore SCME0001
            return sdk;
        };
        return copy;
    }

    /// <summary>Gets PromptOpt's tags as the <c>promptopt</c> JSON object, or <see langword="null"/> when there are none.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The object.</returns>
    internal static JsonObject? ForwardedProperties(ChatOptions options)
    {
        if (options.AdditionalProperties is null)
        {
            return null;
        }

        var obj = new JsonObject();
        if (options.GetRole() is { } role)
        {
            obj["role"] = role;
        }

        if (options.AdditionalProperties.TryGetValue(ChatOptionKeys.Operation, out var op) && op?.ToString() is { } opJson)
        {
            obj["op"] = LlmOperation.FromJson(opJson) is { } parsed ? JsonNode.Parse(parsed.ToJson()) : opJson;
        }

        if (options.AdditionalProperties.ContainsKey(ChatOptionKeys.SampleIndex))
        {
            obj["sample"] = options.GetSampleIndex();
        }

        return obj.Count == 0 ? null : obj;
    }
}
