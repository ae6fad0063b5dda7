using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Simulation.Server;

/// <summary>The OpenAI chat-completions and embeddings wire formats, as much of them as the simulator server needs.</summary>
internal static class OpenAIWire
{
    /// <summary>A 200 body cut off in the middle (the malformed-JSON fault).</summary>
    public const string MalformedBody = "{\"id\":\"chatcmpl-sim-broken\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";

    /// <summary>A parsed request.</summary>
    public sealed record ChatRequest(IReadOnlyList<ChatMessage> Messages, LlmOperation? Operation, int SampleIndex, bool Stream, bool IncludeUsage);

    /// <summary>Parses a chat-completions request body.</summary>
    /// <exception cref="FormatException">The body is not a valid request.</exception>
    public static ChatRequest ParseRequest(string body)
    {
        if (ParseObject(body) is not { } o || o["messages"] is not JsonArray array)
        {
            throw new FormatException("the request must be a JSON object with a 'messages' array");
        }

        var messages = new List<ChatMessage>();
        foreach (var m in array.OfType<JsonObject>())
        {
            var role = (m["role"] as JsonValue)?.GetValue<string>() switch
            {
                "system" or "developer" => ChatRole.System,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                _ => ChatRole.User,
            };
            messages.Add(new ChatMessage(role, ContentText(m["content"])));
        }

        var tags = o["promptopt"] as JsonObject;
        var op = tags?["op"] switch
        {
            JsonObject opObject => LlmOperation.FromJson(opObject.ToJsonString()),
            JsonValue v when v.TryGetValue<string>(out var s) => LlmOperation.FromJson(s),
            _ => null,
        };
        double? temperature = o["temperature"] is JsonValue t && t.TryGetValue<double>(out var temp) ? temp : null;
        int sample = temperature is 0 ? 0 : tags?["sample"] is JsonValue sv && sv.TryGetValue<int>(out var si) ? si : 0;
        bool stream = o["stream"] is JsonValue st && st.TryGetValue<bool>(out var b) && b;
        bool includeUsage = o["stream_options"]?["include_usage"] is JsonValue iu && iu.TryGetValue<bool>(out var u) && u;
        return new ChatRequest(messages, op, sample, stream, includeUsage);
    }

    /// <summary>A parsed embeddings request.</summary>
    public sealed record EmbeddingsRequest(IReadOnlyList<string> Inputs, string? Model, bool Base64, int? Dimensions);

    /// <summary>Parses an embeddings request body: <c>input</c> (a string or an array of strings), <c>model</c>, <c>encoding_format</c>, <c>dimensions</c>.</summary>
    /// <exception cref="FormatException">The body is not a valid request (as the OpenAI API, empty inputs and token arrays are rejected).</exception>
    public static EmbeddingsRequest ParseEmbeddingsRequest(string body)
    {
        if (ParseObject(body) is not { } o)
        {
            throw new FormatException("the request must be a JSON object with an 'input'");
        }

        var inputs = o["input"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var one) => [one],
            JsonArray a when a.Count > 0 && a.All(n => n is JsonValue e && e.TryGetValue<string>(out _)) => a.Select(n => n!.GetValue<string>()).ToList(),
            _ => throw new FormatException("'input' must be a string or a non-empty array of strings (token arrays are not supported)"),
        };
        if (inputs.Any(string.IsNullOrEmpty))
        {
            throw new FormatException("'input' must not contain empty strings");
        }

        var format = o["encoding_format"] is JsonValue f && f.TryGetValue<string>(out var fs) ? fs : "float";
        if (format is not ("float" or "base64"))
        {
            throw new FormatException($"'encoding_format' must be 'float' or 'base64', not '{format}'");
        }

        int? dimensions = o["dimensions"] is JsonValue d && d.TryGetValue<int>(out var di) ? di : null;
        if (dimensions is < 1 or > 8192)
        {
            throw new FormatException("'dimensions' must be between 1 and 8192");
        }

        var model = o["model"] is JsonValue m && m.TryGetValue<string>(out var ms) && ms.Length > 0 ? ms : null;
        return new EmbeddingsRequest(inputs, model, format == "base64", dimensions);
    }

    /// <summary>An embeddings reply: one <c>embedding</c> object per vector, in order, as a float array or base64 of little-endian float32.</summary>
    public static string Embeddings(string model, IReadOnlyList<float[]> vectors, bool base64, long inputTokens) => new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray(vectors.Select((v, i) => (JsonNode)new JsonObject
        {
            ["object"] = "embedding",
            ["index"] = i,
            ["embedding"] = base64
                ? JsonValue.Create(Convert.ToBase64String(MemoryMarshal.AsBytes(v.AsSpan())))
                : new JsonArray(v.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
        }).ToArray()),
        ["model"] = model,
        ["usage"] = new JsonObject { ["prompt_tokens"] = inputTokens, ["total_tokens"] = inputTokens },
    }.ToJsonString();

    /// <summary>
    /// A chat-completion reply as compact UTF-8 JSON, written straight to bytes (no node tree): what a
    /// <see cref="JsonObject"/> of the same properties serialises to with the default options.
    /// </summary>
    public static ReadOnlyMemory<byte> CompletionUtf8(string id, long created, string model, string text, long input, long output)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (text.Length * 2));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteString("system_fingerprint", "promptopt-simulator");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", text);
            w.WriteEndObject();
            w.WriteString("finish_reason", "stop");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", input);
            w.WriteNumber("completion_tokens", output);
            w.WriteNumber("total_tokens", input + output);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    public static string StreamChunks(string id, long created, string model, string text, long input, long output, bool includeUsage)
    {
        JsonObject Chunk(JsonObject delta, string? finish) => new()
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };

        var sb = new StringBuilder();
        sb.Append("data: ").Append(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = text }, null).ToJsonString()).Append("\n\n");
        sb.Append("data: ").Append(Chunk(new JsonObject(), "stop").ToJsonString()).Append("\n\n");
        if (includeUsage)
        {
            var usage = new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = model,
                ["choices"] = new JsonArray(), ["usage"] = Usage(input, output),
            };
            sb.Append("data: ").Append(usage.ToJsonString()).Append("\n\n");
        }

        sb.Append("data: [DONE]\n\n");
        return sb.ToString();
    }

    public static string Models(string model) => new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray(new JsonObject { ["id"] = model, ["object"] = "model", ["created"] = 0, ["owned_by"] = "promptopt-simulator" }),
    }.ToJsonString();

    public static string Error(string message, string type) => new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = type },
    }.ToJsonString();

    /// <summary>Parses a request body: the JSON object, or <see langword="null"/> for other JSON.</summary>
    /// <exception cref="FormatException">The body is not JSON.</exception>
    private static JsonObject? ParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException ex)
        {
            throw new FormatException("the request body is not valid JSON: " + ex.Message, ex);
        }
    }

    private static JsonObject Usage(long input, long output) => new()
    {
        ["prompt_tokens"] = input,
        ["completion_tokens"] = output,
        ["total_tokens"] = input + output,
    };

    private static string ContentText(JsonNode? content) => content switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray parts => string.Concat(parts.OfType<JsonObject>()
            .Where(p => (p["type"] as JsonValue)?.GetValue<string>() is null or "text")
            .Select(p => (p["text"] as JsonValue)?.GetValue<string>() ?? string.Empty)),
        _ => string.Empty,
    };
}
