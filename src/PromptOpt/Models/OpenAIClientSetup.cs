using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;

namespace PromptOpt.Models;

/// <summary>The SDK client settings every OpenAI(-compatible) adapter shares: endpoint, timeout, transport, no SDK retry, the key.</summary>
internal static class OpenAIClientSetup
{
    /// <summary>The OpenAI API's base URL.</summary>
    public static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");

    /// <summary>The key sent to OpenAI-compatible endpoints that need none (local servers accept any key).</summary>
    public const string NoKeyPlaceholder = "no-key";

    /// <summary>Gets the provider name reported in metadata: <c>openai</c> for the OpenAI API, else <c>openai-compatible</c>.</summary>
    /// <param name="baseUrl">The base URL, or <see langword="null"/> for the OpenAI API.</param>
    /// <returns>The name.</returns>
    public static string ProviderName(Uri? baseUrl) => baseUrl is null ? "openai" : "openai-compatible";

    /// <summary>Creates the SDK options: the endpoint, the network timeout, the SDK's own retry OFF, and the HTTP client if given.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="timeout">The network timeout per request (positive).</param>
    /// <param name="httpClient">The HTTP client, or <see langword="null"/> for the SDK's shared one.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">The timeout is not positive.</exception>
    public static OpenAIClientOptions Options(Uri endpoint, TimeSpan timeout, HttpClient? httpClient)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The timeout must be positive.", nameof(timeout));
        }

        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = timeout,

            // Our Polly middleware is the only retry: two retry layers would multiply attempts and ignore our budget.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        if (httpClient is not null)
        {
            options.Transport = new HttpClientPipelineTransport(httpClient);
        }

        return options;
    }

    /// <summary>Gets the credential for a key (the placeholder when there is none).</summary>
    /// <param name="apiKey">The key, or <see langword="null"/>.</param>
    /// <returns>The credential.</returns>
    public static ApiKeyCredential Credential(string? apiKey) => new(string.IsNullOrEmpty(apiKey) ? NoKeyPlaceholder : apiKey);
}
