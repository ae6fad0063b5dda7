using System.Buffers;
using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>
/// PromptOpt's own chat-completions JSON for the calls it makes most (text messages, sampling options, PromptOpt's tags):
/// the request body written with a <see cref="Utf8JsonWriter"/> into a pooled buffer, byte for byte what
/// Microsoft.Extensions.AI.OpenAI and the OpenAI SDK would send, and the reply read with a <see cref="Utf8JsonReader"/>
/// straight into a <see cref="ChatResponse"/>, field for field what they would return. It lets
/// <see cref="OpenAIProviderChatClient"/> call the SDK's protocol method (same pipeline, headers, timeout and errors)
/// without the SDK's and MEAI's object models, which cost more CPU than HTTP itself (bench/README.md, client path).
/// </summary>
/// <remarks>
/// Anything outside that subset (tools, response formats, non-text content, author names, raw representations,
/// reasoning, usage details, tool calls, refusals, unknown reply fields) is declined: <see cref="CanWrite"/> returns
/// <see langword="false"/> or <see cref="TryReadResponse"/> returns <see langword="null"/>, and the caller takes the SDK's
/// typed path. <c>OpenAIChatWireTests</c> pins both halves against the SDK's own output.
/// </remarks>
internal static class OpenAIChatWire
{
    /// <summary>The prefix of PromptOpt's keys in <see cref="ChatOptions.AdditionalProperties"/>, which never reach the wire as such.</summary>
    private const string PromptOptKeyPrefix = "promptopt.";

    /// <summary>The SDK's writer settings: compact, relaxed escaping (non-ASCII and HTML characters as they are).</summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Gets whether the request is in the subset this class writes exactly as the SDK would.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when <see cref="WriteRequest"/> can write it.</returns>
    public static bool CanWrite(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        if (messages.Count == 0)
        {
            return false;
        }

        foreach (var m in messages)
        {
            if (m.AuthorName is not null || m.RawRepresentation is not null || m.AdditionalProperties is { Count: > 0 }
                || m.Contents is not [TextContent { AdditionalProperties: null or { Count: 0 }, Annotations: null, RawRepresentation: null, Text.Length: > 0 } t]
                || t.GetType() != typeof(TextContent)
                || (m.Role != ChatRole.System && m.Role != ChatRole.User && m.Role != ChatRole.Assistant))
            {
                return false;
            }
        }

        if (options is null)
        {
            return true;
        }

        // Every ChatOptions property is listed here (OpenAIChatWireTests pins the list): the ones written below, and the
        // ones that must be unset because MEAI would turn them into request fields this class does not write.
        if (options.ConversationId is not null || options.Instructions is not null || options.TopK is not null
            || options.Reasoning is not null || options.ResponseFormat is not null || options.ModelId is not null
            || options.AllowMultipleToolCalls is not null || options.ToolMode is not null || options.Tools is { Count: > 0 }
            || options.AllowBackgroundResponses is not null || options.ContinuationToken is not null
            || options.RawRepresentationFactory is not null || options.StopSequences is { Count: 0 })
        {
            return false;
        }

        if (options.AdditionalProperties is { } extra)
        {
            foreach (var key in extra.Keys)
            {
                if (!key.StartsWith(PromptOptKeyPrefix, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Writes the request body (call <see cref="CanWrite"/> first).</summary>
    /// <param name="model">The model name.</param>
    /// <param name="messages">The messages.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <param name="forward">Whether to add PromptOpt's tags as the top-level <c>promptopt</c> property.</param>
    /// <returns>The body, in a pooled buffer returned when it is disposed.</returns>
    public static BinaryContent WriteRequest(string model, IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool forward)
    {
        var content = new PooledJsonContent();
        using var w = new Utf8JsonWriter(content, WriterOptions);
        w.WriteStartObject();

        // Property order and escaping (relaxed: only quotes, backslashes, control characters and surrogate pairs) as the
        // SDK's ChatCompletionOptions writes them.
        if (options?.Temperature is { } temperature)
        {
            w.WriteNumber("temperature"u8, temperature);
        }

        if (options?.TopP is { } topP)
        {
            w.WriteNumber("top_p"u8, topP);
        }

        w.WriteStartArray("messages"u8);
        foreach (var m in messages)
        {
            w.WriteStartObject();
            w.WriteString("role"u8, m.Role.Value);
            w.WriteString("content"u8, ((TextContent)m.Contents[0]).Text);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("model"u8, model);
        if (options?.MaxOutputTokens is { } maxTokens)
        {
            w.WriteNumber("max_completion_tokens"u8, maxTokens);
        }

        if (options?.FrequencyPenalty is { } frequencyPenalty)
        {
            w.WriteNumber("frequency_penalty"u8, frequencyPenalty);
        }

        if (options?.PresencePenalty is { } presencePenalty)
        {
            w.WriteNumber("presence_penalty"u8, presencePenalty);
        }

        if (options?.StopSequences is { } stop)
        {
            w.WriteStartArray("stop"u8);
            foreach (var s in stop)
            {
                w.WriteStringValue(s);
            }

            w.WriteEndArray();
        }

        if (options?.Seed is { } seed)
        {
            w.WriteNumber("seed"u8, seed);
        }

        if (forward && options is not null)
        {
            WriteForwarded(w, options);
        }

        w.WriteEndObject();
        w.Flush();
        return content;
    }

    /// <summary>
    /// Reads a chat-completions reply into the <see cref="ChatResponse"/> MEAI would build from it, or returns
    /// <see langword="null"/> when it has anything outside the subset (the caller then parses it with the SDK).
    /// </summary>
    /// <param name="json">The reply body.</param>
    /// <returns>The response, or <see langword="null"/>.</returns>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static ChatResponse? TryReadResponse(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        string? id = null, model = null, text = null;
        long? created = null;
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        int choices = 0;
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("id"u8))
            {
                id = ReadString(ref r);
            }
            else if (r.ValueTextEquals("model"u8))
            {
                model = ReadString(ref r);
            }
            else if (r.ValueTextEquals("created"u8))
            {
                r.Read();
                created = r.TokenType == JsonTokenType.Number ? r.GetInt64() : throw new JsonException("'created' is not a number");
            }
            else if (r.ValueTextEquals("object"u8) || r.ValueTextEquals("system_fingerprint"u8))
            {
                r.Read();
                r.Skip();
            }
            else if (r.ValueTextEquals("choices"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.StartArray)
                {
                    return null;
                }

                while (r.Read() && r.TokenType == JsonTokenType.StartObject)
                {
                    if (++choices > 1 || !ReadChoice(ref r, out text, out finish))
                    {
                        return null;
                    }
                }
            }
            else if (r.ValueTextEquals("usage"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (r.TokenType != JsonTokenType.StartObject || ReadUsage(ref r) is not { } u)
                {
                    return null;
                }

                usage = u;
            }
            else
            {
                return null;
            }
        }

        if (choices != 1 || text is null || id is null || model is null || created is null)
        {
            return null;
        }

        var createdAt = DateTimeOffset.FromUnixTimeSeconds(created.Value);
        var message = new ChatMessage(ChatRole.Assistant, [new TextContent(text)]) { MessageId = id, CreatedAt = createdAt };
        return new ChatResponse(message)
        {
            ResponseId = id,
            ModelId = model,
            CreatedAt = createdAt,
            FinishReason = finish,
            Usage = usage,
        };
    }

    private static bool ReadChoice(ref Utf8JsonReader r, out string? text, out ChatFinishReason? finish)
    {
        text = null;
        finish = null;
        bool sawMessage = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("index"u8))
            {
                r.Read();
            }
            else if (r.ValueTextEquals("logprobs"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else if (r.ValueTextEquals("finish_reason"u8))
            {
                finish = ReadString(ref r) switch
                {
                    "stop" => ChatFinishReason.Stop,
                    "length" => ChatFinishReason.Length,
                    "content_filter" => ChatFinishReason.ContentFilter,
                    _ => null,
                };
                if (finish is null)
                {
                    return false;
                }
            }
            else if (r.ValueTextEquals("message"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.StartObject || !ReadMessage(ref r, out text))
                {
                    return false;
                }

                sawMessage = true;
            }
            else
            {
                return false;
            }
        }

        return sawMessage && finish is not null && r.TokenType == JsonTokenType.EndObject;
    }

    private static bool ReadMessage(ref Utf8JsonReader r, out string? text)
    {
        text = null;
        bool assistant = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("role"u8))
            {
                assistant = ReadString(ref r) == "assistant";
            }
            else if (r.ValueTextEquals("content"u8))
            {
                text = ReadString(ref r);
            }
            else if (r.ValueTextEquals("refusal"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return assistant && text is { Length: > 0 };
    }

    private static UsageDetails? ReadUsage(ref Utf8JsonReader r)
    {
        long? input = null, output = null, total = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            ref long? target = ref input;
            if (r.ValueTextEquals("prompt_tokens"u8))
            {
                target = ref input;
            }
            else if (r.ValueTextEquals("completion_tokens"u8))
            {
                target = ref output;
            }
            else if (r.ValueTextEquals("total_tokens"u8))
            {
                target = ref total;
            }
            else
            {
                return null;
            }

            r.Read();
            if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out int value))
            {
                return null;
            }

            target = value;
        }

        return input is null || output is null || total is null
            ? null
            : new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = total, AdditionalCounts = [] };
    }

    private static string? ReadString(ref Utf8JsonReader r)
    {
        r.Read();
        return r.TokenType switch
        {
            JsonTokenType.String => r.GetString(),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"expected a string, found {r.TokenType}"),
        };
    }

    /// <summary>
    /// Writes the <c>promptopt</c> property exactly as <see cref="OpenAIProviderChatClient.WithForwardedProperties"/> does, if
    /// there are tags: that JSON is written with the default (strict) escaping and patched into the SDK's body as it is.
    /// </summary>
    private static void WriteForwarded(Utf8JsonWriter w, ChatOptions options)
    {
        if (options.AdditionalProperties is not { } extra)
        {
            return;
        }

        var role = options.GetRole();
        bool op = extra.ContainsKey(ChatOptionKeys.Operation);
        bool sample = extra.ContainsKey(ChatOptionKeys.SampleIndex);
        if (op || (role is not null && !IsPlain(role)))
        {
            // Rare (optimizer calls): the same JsonObject the SDK path builds, as its text.
            if (OpenAIProviderChatClient.ForwardedProperties(options) is { } forwarded)
            {
                w.WritePropertyName(OpenAIProviderChatClient.ForwardedPropertyName);
                w.WriteRawValue(forwarded.ToJsonString(), skipInputValidation: true);
            }

            return;
        }

        if (role is null && !sample)
        {
            return;
        }

        w.WriteStartObject(OpenAIProviderChatClient.ForwardedPropertyName);
        if (role is not null)
        {
            w.WriteString("role"u8, role);
        }

        if (sample)
        {
            w.WriteNumber("sample"u8, options.GetSampleIndex());
        }

        w.WriteEndObject();
    }

    /// <summary>Gets whether both escapings leave <paramref name="s"/> as it is (ASCII letters, digits, '-', '_', '.').</summary>
    private static bool IsPlain(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A request body in a buffer rented from <see cref="ArrayPool{T}.Shared"/>, returned on disposal.</summary>
    private sealed class PooledJsonContent : BinaryContent, IBufferWriter<byte>
    {
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(2048);
        private int _written;

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

        public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

        public override bool TryComputeLength(out long length)
        {
            length = _written;
            return true;
        }

        public override void WriteTo(Stream stream, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(stream);
            stream.Write(Buffer(), 0, _written);
        }

        public override async Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(stream);
            await stream.WriteAsync(Buffer().AsMemory(0, _written), cancellationToken).ConfigureAwait(false);
        }

        public override void Dispose()
        {
            // The SDK disposes the request's content with its message, and the caller disposes it too: return it once.
            if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private byte[] Buffer() => _buffer ?? throw new ObjectDisposedException(nameof(PooledJsonContent));

        private byte[] Ensure(int sizeHint)
        {
            var buffer = Buffer();
            int needed = _written + Math.Max(sizeHint, 1);
            if (needed <= buffer.Length)
            {
                return buffer;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
            buffer.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            _buffer = larger;
            return larger;
        }
    }
}
