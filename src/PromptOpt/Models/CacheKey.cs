using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>
/// Computes response-cache keys: a SHA-256 over a canonical JSON of everything that changes a model's output, prefixed
/// with <see cref="ResponseCacheChatClient.CacheFormatVersion"/> (chat) or <see cref="ResponseCacheEmbeddingGenerator.CacheFormatVersion"/>
/// (embeddings, <see cref="ComputeEmbeddings"/>).
/// </summary>
/// <remarks>
/// Hashed: the format version; the provider name and model id; every message's role, author and text; every
/// <see cref="ChatOptions"/> field that changes output (instructions, temperature, top-p, top-k, max output tokens,
/// penalties, seed, stop sequences, response format, reasoning, tools); all <see cref="ChatOptions.AdditionalProperties"/>
/// sorted by key (so the <c>promptopt.op</c> JSON and role count); and the normalised sample index
/// (<see cref="ChatOptionsExtensions.GetSampleIndex"/>: 0 at temperature 0, where samples cannot differ).
/// Bump <see cref="ResponseCacheChatClient.CacheFormatVersion"/> whenever this shape changes.
/// </remarks>
internal static class CacheKey
{
    /// <summary>Computes the key of a request.</summary>
    /// <param name="scope">The provider name and model id (e.g. <c>openai/gpt-4o-mini</c>).</param>
    /// <param name="messages">The messages.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The key, <c>v{version}-{64 hex digits}</c>.</returns>
    public static string Compute(string scope, IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        Digest($"v{ResponseCacheChatClient.CacheFormatVersion}-", ResponseCacheChatClient.CacheFormatVersion, scope, options?.ModelId, (messages, options), static (w, s) =>
        {
            w.WriteStartArray("messages");
            foreach (var m in s.messages)
            {
                w.WriteStartArray();
                w.WriteStringValue(m.Role.Value);
                w.WriteStringValue(m.AuthorName);
                w.WriteStringValue(m.Text);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            if (s.options is not null)
            {
                WriteOptions(w, s.options);
            }

            w.WriteNumber("sample", s.options.GetSampleIndex());
        });

    /// <summary>Computes the key of an embedding request: the scope, the requested dimensions and the inputs in order.</summary>
    /// <param name="scope">The provider name, endpoint and model id.</param>
    /// <param name="values">The inputs.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The key, <c>emb-v{version}-{64 hex digits}</c> (<see cref="ResponseCacheEmbeddingGenerator.CacheFormatVersion"/>).</returns>
    public static string ComputeEmbeddings(string scope, IEnumerable<string> values, EmbeddingGenerationOptions? options) =>
        Digest($"emb-v{ResponseCacheEmbeddingGenerator.CacheFormatVersion}-", ResponseCacheEmbeddingGenerator.CacheFormatVersion, scope, options?.ModelId, (values, options), static (w, s) =>
        {
            if (s.options?.Dimensions is { } dimensions)
            {
                w.WriteNumber("dimensions", dimensions);
            }

            w.WriteStartArray("values");
            foreach (var v in s.values)
            {
                w.WriteStringValue(v);
            }

            w.WriteEndArray();
        });

    /// <summary>
    /// Hashes the canonical JSON <c>{"v": version, "model": scope[#override], …body}</c> and returns
    /// <paramref name="prefix"/> + its SHA-256 in lower-case hex.
    /// </summary>
    private static string Digest<TState>(string prefix, int version, string scope, string? modelOverride, TState state, Action<Utf8JsonWriter, TState> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", version);
            w.WriteString("model", modelOverride is { } m ? scope + "#" + m : scope);
            body(w, state);
            w.WriteEndObject();
        }

        return prefix + Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteOptions(Utf8JsonWriter w, ChatOptions o)
    {
        WriteString(w, "instructions", o.Instructions);
        WriteNumber(w, "temperature", o.Temperature);
        WriteNumber(w, "top_p", o.TopP);
        WriteNumber(w, "top_k", o.TopK);
        WriteNumber(w, "max_tokens", o.MaxOutputTokens);
        WriteNumber(w, "frequency_penalty", o.FrequencyPenalty);
        WriteNumber(w, "presence_penalty", o.PresencePenalty);
        if (o.Seed is { } seed)
        {
            w.WriteNumber("seed", seed);
        }

        if (o.StopSequences is { Count: > 0 } stops)
        {
            w.WriteStartArray("stop");
            foreach (var s in stops)
            {
                w.WriteStringValue(s);
            }

            w.WriteEndArray();
        }

        switch (o.ResponseFormat)
        {
            case ChatResponseFormatText:
                w.WriteString("format", "text");
                break;
            case ChatResponseFormatJson json:
                w.WriteStartObject("format");
                w.WriteString("type", "json");
                WriteString(w, "name", json.SchemaName);
                WriteString(w, "description", json.SchemaDescription);
                if (json.Schema is { } schema)
                {
                    w.WritePropertyName("schema");
                    schema.WriteTo(w);
                }

                w.WriteEndObject();
                break;
        }

        if (o.Reasoning is { } reasoning)
        {
            w.WritePropertyName("reasoning");
            WriteValue(w, reasoning);
        }

        if (o.Tools is { Count: > 0 } tools)
        {
            w.WriteStartArray("tools");
            foreach (var t in tools)
            {
                w.WriteStringValue(t.Name);
            }

            w.WriteEndArray();
        }

        if (o.AdditionalProperties is { Count: > 0 } props)
        {
            w.WriteStartObject("props");
            foreach (var kv in props.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                // The sample index is hashed once, normalised, as "sample".
                if (kv.Key == ChatOptionKeys.SampleIndex)
                {
                    continue;
                }

                w.WritePropertyName(kv.Key);
                WriteValue(w, kv.Value);
            }

            w.WriteEndObject();
        }
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case JsonElement e:
                e.WriteTo(w);
                break;
            default:
                try
                {
                    JsonSerializer.Serialize(w, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
                }
                catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
                {
                    w.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                }

                break;
        }
    }

    private static void WriteString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, float? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }
}
