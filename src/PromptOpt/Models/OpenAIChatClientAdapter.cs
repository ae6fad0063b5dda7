using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AI = Microsoft.Extensions.AI;
using OA = OpenAI.Chat;

namespace PromptOpt.Models;

/// <summary>
/// An <see cref="IChatClient"/> over the OpenAI SDK's <see cref="ChatClient"/> (chat completions), for the OpenAI API and
/// OpenAI-compatible servers. Converts system/user/assistant text messages and the sampling options (temperature,
/// top-p, max output tokens, stop sequences, seed, penalties, response format) and reports usage and the model id.
/// </summary>
/// <remarks>
/// Failures become one-line <see cref="ModelCallException"/>s, marked transient for 429, 5xx, timeouts, dropped
/// connections and malformed replies, so the retry middleware (not the SDK, whose own retry is off) decides what to do.
/// Streaming is not used by PromptOpt: <see cref="GetStreamingResponseAsync"/> returns the complete response as updates.
/// Thread-safe.
/// </remarks>
internal sealed class OpenAIChatClientAdapter : IChatClient
{
    /// <summary>The top-level JSON property carrying PromptOpt's tags when forwarding is on.</summary>
    public const string ForwardedPropertyName = "promptopt";

    private readonly ChatClient _client;
    private readonly string _model;
    private readonly ChatClientMetadata _metadata;
    private readonly ProviderCall _site;
    private readonly bool _forward;

    /// <summary>Initializes a new instance of the <see cref="OpenAIChatClientAdapter"/> class.</summary>
    /// <param name="client">The SDK client.</param>
    /// <param name="model">The model the client was created for.</param>
    /// <param name="providerName">The provider name reported in <see cref="ChatClientMetadata"/>.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="apiKeyVariable">The key variable's name, for messages.</param>
    /// <param name="apiKey">The key in use, only to mask it should a server echo it.</param>
    /// <param name="timeout">The network timeout, for messages.</param>
    /// <param name="forwardPromptOptProperties">Whether to send PromptOpt's tags as a top-level <c>promptopt</c> JSON property.</param>
    /// <param name="timeProvider">The clock.</param>
    public OpenAIChatClientAdapter(
        ChatClient client, string model, string providerName, Uri endpoint, string? apiKeyVariable, string? apiKey, TimeSpan timeout,
        bool forwardPromptOptProperties, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _site = ProviderCall.Create(endpoint, model, "chat-completions", apiKeyVariable, apiKey, timeout, timeProvider);
        _client = client;
        _model = model;
        _metadata = new ChatClientMetadata(providerName, endpoint, model);
        _forward = forwardPromptOptProperties;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var openAiMessages = ToOpenAIMessages(messages, options);
        var openAiOptions = ToOpenAIOptions(options, _forward);
        var completion = (await _site.InvokeAsync(
            ct => _client.CompleteChatAsync(openAiMessages, openAiOptions, ct), cancellationToken).ConfigureAwait(false)).Value;
        try
        {
            return FromOpenAI(completion, _model);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw _site.Malformed(ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>Returns the complete (non-streamed) response as a sequence of updates.</remarks>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AI.ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(ChatClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The SDK client owns nothing that needs disposing; a caller-supplied HttpClient stays the caller's.
    }

    /// <summary>Converts MEAI messages (and <see cref="ChatOptions.Instructions"/>) to the SDK's messages.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The SDK messages.</returns>
    /// <exception cref="NotSupportedException">A message has a role other than system, user or assistant.</exception>
    internal static List<OA.ChatMessage> ToOpenAIMessages(IEnumerable<AI.ChatMessage> messages, ChatOptions? options)
    {
        var list = new List<OA.ChatMessage>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            list.Add(new SystemChatMessage(options.Instructions));
        }

        foreach (var m in messages)
        {
            var text = m.Text ?? string.Empty;
            OA.ChatMessage converted = m.Role.Value switch
            {
                "system" or "developer" => new SystemChatMessage(text),
                "user" => new UserChatMessage(text),
                "assistant" => new AssistantChatMessage(text),
                _ => throw new NotSupportedException($"message role '{m.Role.Value}' is not supported (system, user and assistant text only)"),
            };
            if (!string.IsNullOrEmpty(m.AuthorName))
            {
                switch (converted)
                {
                    case UserChatMessage u: u.ParticipantName = m.AuthorName; break;
                    case AssistantChatMessage a: a.ParticipantName = m.AuthorName; break;
                    case SystemChatMessage s: s.ParticipantName = m.AuthorName; break;
                }
            }

            list.Add(converted);
        }

        return list;
    }

    /// <summary>Converts MEAI options to the SDK's options.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <param name="forwardPromptOptProperties">Whether to add the <c>promptopt</c> JSON property.</param>
    /// <returns>The SDK options.</returns>
    internal static ChatCompletionOptions ToOpenAIOptions(ChatOptions? options, bool forwardPromptOptProperties)
    {
        var result = new ChatCompletionOptions();
        if (options is null)
        {
            return result;
        }

        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.MaxOutputTokenCount = options.MaxOutputTokens;
        result.FrequencyPenalty = options.FrequencyPenalty;
        result.PresencePenalty = options.PresencePenalty;
#pragma warning disable OPENAI001 // Seed is marked experimental by the SDK; it is a plain request field.
        result.Seed = options.Seed;
#pragma warning restore OPENAI001
        if (options.StopSequences is { Count: > 0 } stops)
        {
            foreach (var s in stops)
            {
                result.StopSequences.Add(s);
            }
        }

        result.ResponseFormat = options.ResponseFormat switch
        {
            ChatResponseFormatText => OA.ChatResponseFormat.CreateTextFormat(),
            ChatResponseFormatJson { Schema: { } schema } json => OA.ChatResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription),
            ChatResponseFormatJson => OA.ChatResponseFormat.CreateJsonObjectFormat(),
            _ => null,
        };

        if (forwardPromptOptProperties && ForwardedProperties(options) is { } forwarded)
        {
#pragma warning disable SCME0001 // JsonPatch is the SDK's documented way to add request fields; marked for evaluation.
            result.Patch.Set("$.promptopt"u8, BinaryData.FromString(forwarded.ToJsonString())); // ForwardedPropertyName
#pragma warning restore SCME0001
        }

        return result;
    }

    /// <summary>Converts the SDK's completion to an MEAI response.</summary>
    /// <param name="completion">The completion.</param>
    /// <param name="requestedModel">The requested model, used when the server does not name one.</param>
    /// <returns>The response.</returns>
    internal static ChatResponse FromOpenAI(ChatCompletion completion, string requestedModel)
    {
        var text = string.Concat(completion.Content
            .Where(p => p.Kind == ChatMessageContentPartKind.Text)
            .Select(p => p.Text));
        if (text.Length == 0 && !string.IsNullOrEmpty(completion.Refusal))
        {
            text = completion.Refusal;
        }

        var message = new AI.ChatMessage(ChatRole.Assistant, text) { MessageId = completion.Id };
        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = string.IsNullOrEmpty(completion.Model) ? requestedModel : completion.Model,
            CreatedAt = completion.CreatedAt == default ? null : completion.CreatedAt,
            FinishReason = completion.FinishReason switch
            {
                OA.ChatFinishReason.Stop => AI.ChatFinishReason.Stop,
                OA.ChatFinishReason.Length => AI.ChatFinishReason.Length,
                OA.ChatFinishReason.ContentFilter => AI.ChatFinishReason.ContentFilter,
                OA.ChatFinishReason.ToolCalls or OA.ChatFinishReason.FunctionCall => AI.ChatFinishReason.ToolCalls,
                _ => null,
            },
            Usage = completion.Usage is { } u
                ? new UsageDetails { InputTokenCount = u.InputTokenCount, OutputTokenCount = u.OutputTokenCount, TotalTokenCount = u.TotalTokenCount }
                : null,
            RawRepresentation = completion,
        };
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
