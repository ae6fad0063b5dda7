using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using ChatClient = OpenAI.Chat.ChatClient;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;

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
/// Streaming is not used by PromptOpt: <see cref="GetStreamingResponseAsync"/> makes one non-streamed call and returns it as
/// updates (so it is retried, cached and metered like any other call). Thread-safe.
/// </remarks>
internal sealed class OpenAIProviderChatClient : DelegatingChatClient
{
    /// <summary>The top-level JSON property carrying PromptOpt's tags when forwarding is on.</summary>
    public const string ForwardedPropertyName = "promptopt";

    private readonly ChatClientMetadata _metadata;
    private readonly ProviderCall _site;
    private readonly bool _forward;

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
    public OpenAIProviderChatClient(
        ChatClient client, string model, string providerName, Uri endpoint, string? apiKeyVariable, string? apiKey, TimeSpan timeout,
        bool forwardPromptOptProperties, TimeProvider? timeProvider = null)
        : base(client.AsIChatClient())
    {
        _site = ProviderCall.Create(endpoint, model, "chat-completions", apiKeyVariable, apiKey, timeout, timeProvider);
        _metadata = new ChatClientMetadata(providerName, endpoint, model);
        _forward = forwardPromptOptProperties;
    }

    /// <inheritdoc />
    /// <exception cref="ModelCallException">The call failed.</exception>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
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

    private static JsonObject? ForwardedProperties(ChatOptions options)
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
