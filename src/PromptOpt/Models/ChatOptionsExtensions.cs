using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>Reads and writes PromptOpt's entries in <see cref="ChatOptions.AdditionalProperties"/> and response properties.</summary>
public static class ChatOptionsExtensions
{
    /// <summary>Returns a copy of <paramref name="options"/> (or new options) tagged with a role, an operation and a sample index.</summary>
    /// <param name="options">The options to copy, or <see langword="null"/>.</param>
    /// <param name="role">The model role (see <see cref="ModelRoles"/>).</param>
    /// <param name="operation">The operation, or <see langword="null"/>.</param>
    /// <param name="sampleIndex">The sample index, or <see langword="null"/>.</param>
    /// <returns>The tagged options.</returns>
    public static ChatOptions WithPromptOpt(this ChatOptions? options, string role, LlmOperation? operation = null, int? sampleIndex = null)
    {
        var o = options?.Clone() ?? new ChatOptions();
        o.AdditionalProperties = o.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(o.AdditionalProperties);
        o.AdditionalProperties[ChatOptionKeys.Role] = role;
        if (operation is not null)
        {
            o.AdditionalProperties[ChatOptionKeys.Operation] = operation.ToJson();
        }

        if (sampleIndex is { } s)
        {
            o.AdditionalProperties[ChatOptionKeys.SampleIndex] = s;
        }

        return o;
    }

    /// <summary>Gets the role tag, or <see langword="null"/>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The role.</returns>
    public static string? GetRole(this ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(ChatOptionKeys.Role, out var v) == true ? v?.ToString() : null;

    /// <summary>Gets the operation, or <see langword="null"/>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The operation.</returns>
    public static LlmOperation? GetOperation(this ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(ChatOptionKeys.Operation, out var v) == true ? LlmOperation.FromJson(v?.ToString()) : null;

    /// <summary>Gets the sample index (0 when absent or when the temperature is 0).</summary>
    /// <param name="options">The options.</param>
    /// <returns>The sample index.</returns>
    public static int GetSampleIndex(this ChatOptions? options)
    {
        if (options?.Temperature is 0f)
        {
            return 0;
        }

        return options?.AdditionalProperties?.TryGetValue(ChatOptionKeys.SampleIndex, out var v) == true
            ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)
            : 0;
    }

    /// <summary>Gets whether a response was served from the cache.</summary>
    /// <param name="response">The response.</param>
    /// <returns><see langword="true"/> for a cache hit.</returns>
    public static bool IsCacheHit(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(ChatOptionKeys.CacheHit, out var v) == true && v is true;
    }

    /// <summary>Gets whether embeddings were served from the cache.</summary>
    /// <param name="embeddings">The embeddings.</param>
    /// <returns><see langword="true"/> for a cache hit.</returns>
    public static bool IsCacheHit(this GeneratedEmbeddings<Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return embeddings.AdditionalProperties?.TryGetValue(ChatOptionKeys.CacheHit, out var v) == true && v is true;
    }
}
