using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace PromptOpt.Models;

/// <summary>Creates <see cref="IChatClient"/>s for the OpenAI API and OpenAI-compatible endpoints.</summary>
public static class OpenAIChatClients
{
    /// <summary>The OpenAI API's base URL.</summary>
    public static readonly Uri OpenAIEndpoint = OpenAIClientSetup.OpenAIEndpoint;

    /// <summary>
    /// Creates a chat client for a chat-completions endpoint: Microsoft.Extensions.AI.OpenAI's <c>AsIChatClient()</c> over the
    /// OpenAI SDK's <see cref="ChatClient"/>, inside PromptOpt's error translation. The SDK's own retry is disabled, so the pipeline's retry
    /// middleware is the only one (see <see cref="ModelFactory"/>); failures are one-line <see cref="ModelCallException"/>s.
    /// </summary>
    /// <param name="baseUrl">The base URL (e.g. <c>http://127.0.0.1:8080/v1</c>), or <see langword="null"/> for the OpenAI API.</param>
    /// <param name="model">The model name.</param>
    /// <param name="apiKey">The API key, or <see langword="null"/> for an endpoint that needs none. Kept in memory only.</param>
    /// <param name="timeout">The network timeout per request.</param>
    /// <param name="httpClient">The HTTP client to send requests with, or <see langword="null"/> for the SDK's shared one.</param>
    /// <param name="apiKeyVariable">The NAME of the variable the key came from, used in error messages (e.g. "check OPENAI_API_KEY").</param>
    /// <param name="forwardPromptOptProperties">
    /// Whether to send PromptOpt's tags (role, operation, sample index) as a top-level <c>promptopt</c> JSON property, for
    /// PromptOpt's simulator server. Off for the OpenAI API, which rejects unknown fields.
    /// </param>
    /// <param name="timeProvider">The clock (for <c>Retry-After</c> dates), or <see langword="null"/> for the system clock.</param>
    /// <returns>The chat client.</returns>
    /// <exception cref="ArgumentException">The model name is empty or the timeout is not positive.</exception>
    public static IChatClient Create(
        Uri? baseUrl,
        string model,
        string? apiKey,
        TimeSpan timeout,
        HttpClient? httpClient = null,
        string? apiKeyVariable = ModelSpec.OpenAIKeyVariable,
        bool forwardPromptOptProperties = false,
        TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var endpoint = baseUrl ?? OpenAIEndpoint;
        var client = new ChatClient(model, OpenAIClientSetup.Credential(apiKey), OpenAIClientSetup.Options(endpoint, timeout, httpClient));
        var provider = OpenAIClientSetup.ProviderName(baseUrl);
        return new OpenAIProviderChatClient(client, model, provider, endpoint, apiKeyVariable, apiKey, timeout, forwardPromptOptProperties, timeProvider);
    }
}
