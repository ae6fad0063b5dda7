using System.ClientModel;
using System.Text.Json;

namespace PromptOpt.Models;

/// <summary>
/// Where an OpenAI SDK call goes, and the one place its failures become one-line <see cref="ModelCallException"/>s (never
/// containing the key): HTTP errors via <see cref="ModelErrors.FromClientResult"/>, network timeouts, dropped connections and
/// malformed replies, each marked transient so the retry middleware (not the SDK, whose retry is off) decides what to do.
/// Shared by the chat and embedding adapters.
/// </summary>
/// <param name="Endpoint">The endpoint as shown in messages (<see cref="ModelErrors.Display"/>).</param>
/// <param name="Model">The model name.</param>
/// <param name="Api">The API path's name in messages (<c>chat-completions</c>, <c>embeddings</c>).</param>
/// <param name="ApiKeyVariable">The NAME of the variable the key came from, for messages, or <see langword="null"/>.</param>
/// <param name="ApiKey">The key in use, only to mask it should a server echo it, or <see langword="null"/>.</param>
/// <param name="Timeout">The network timeout, for messages.</param>
/// <param name="TimeProvider">The clock (for <c>Retry-After</c> dates).</param>
internal sealed record ProviderCall(string Endpoint, string Model, string Api, string? ApiKeyVariable, string? ApiKey, TimeSpan Timeout, TimeProvider TimeProvider)
{
    /// <summary>Creates the call site of an adapter.</summary>
    /// <param name="endpoint">The endpoint (shown as <see cref="ModelErrors.Display"/>).</param>
    /// <param name="model">The model name.</param>
    /// <param name="api">The API path's name in messages.</param>
    /// <param name="apiKeyVariable">The key variable's name, or <see langword="null"/>.</param>
    /// <param name="apiKey">The key in use, or <see langword="null"/>.</param>
    /// <param name="timeout">The network timeout.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <returns>The site.</returns>
    /// <exception cref="ArgumentException">The endpoint is null or the model name empty.</exception>
    public static ProviderCall Create(Uri endpoint, string model, string api, string? apiKeyVariable, string? apiKey, TimeSpan timeout, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return new(ModelErrors.Display(endpoint), model, api, apiKeyVariable, apiKey, timeout, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Makes one SDK call, translating its failures.</summary>
    /// <typeparam name="T">The SDK's result type.</typeparam>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">The caller's token (its cancellation is rethrown as is).</param>
    /// <returns>The result.</returns>
    /// <exception cref="ModelCallException">The call failed.</exception>
    public async Task<T> InvokeAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (ClientResultException ex)
        {
            throw ModelErrors.FromClientResult(ex, this);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelCallException($"no reply from {Endpoint} within {Timeout.TotalSeconds:0.#} s (network timeout)", null, true, null, ex);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new ModelCallException($"malformed JSON reply from {Endpoint}: {ModelErrors.Clean(ex.Message, ApiKey)}", 200, true, null, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new ModelCallException($"connection to {Endpoint} failed: {ModelErrors.Clean(ex.Message, ApiKey)}", null, true, null, ex);
        }
    }

    /// <summary>The failure for valid JSON of the wrong shape (no choices, a missing vector): as good as malformed, so worth one more try.</summary>
    /// <param name="reason">What is wrong (its message is cleaned).</param>
    /// <returns>The exception to throw.</returns>
    public ModelCallException Malformed(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new ModelCallException($"malformed reply from {Endpoint}: {ModelErrors.Clean(reason.Message, ApiKey)}", 200, true, null, reason);
    }
}
