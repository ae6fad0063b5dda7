using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace PromptOpt.Models;

/// <summary>
/// Classifies model-call failures into transient (retry) and permanent (fail fast), and turns provider errors into
/// one-line <see cref="ModelCallException"/> messages that never contain the key.
/// </summary>
internal static class ModelErrors
{
    private const int MaxServerMessageLength = 200;

    /// <summary>Gets whether an HTTP status is worth retrying: 408, 429 and every 5xx.</summary>
    /// <param name="status">The status.</param>
    /// <returns>Whether to retry.</returns>
    public static bool IsTransientStatus(int status) => status is 408 or 429 || status >= 500;

    /// <summary>Gets whether retrying <paramref name="exception"/> can help (the caller's own cancellation never does).</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="callerToken">The caller's token.</param>
    /// <returns>Whether to retry.</returns>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        ModelCallException m => m.IsTransient,
        OperationCanceledException => !callerToken.IsCancellationRequested, // not ours: a timeout
        ClientResultException c => c.Status == 0 || IsTransientStatus(c.Status),
        HttpRequestException h => h.StatusCode is not { } s || IsTransientStatus((int)s),
        IOException or TimeoutException or JsonException => true,
        _ => false,
    };

    /// <summary>Gets whether <paramref name="exception"/> (or an inner exception) is a refused TCP connection: nothing listens at the endpoint.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>Whether the connection was refused.</returns>
    public static bool IsConnectionRefused(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets the delay a failure asks for (<c>Retry-After</c> / <c>retry-after-ms</c>), or <see langword="null"/>.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="timeProvider">The clock, for HTTP-date values.</param>
    /// <returns>The delay, or <see langword="null"/>.</returns>
    public static TimeSpan? GetRetryAfter(Exception exception, TimeProvider timeProvider) => exception switch
    {
        ModelCallException m => m.RetryAfter,
        ClientResultException c => ReadRetryAfter(c, timeProvider),
        _ => null,
    };

    /// <summary>Reads <c>retry-after-ms</c> (OpenAI) or <c>Retry-After</c> (seconds or an HTTP date) from the raw response.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The delay, or <see langword="null"/>.</returns>
    public static TimeSpan? ReadRetryAfter(ClientResultException exception, TimeProvider timeProvider)
    {
        var headers = exception.GetRawResponse()?.Headers;
        if (headers is null)
        {
            return null;
        }

        if (headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        return headers.TryGetValue("Retry-After", out var value) ? ParseRetryAfter(value, timeProvider) : null;
    }

    /// <summary>Parses a <c>Retry-After</c> value: delta-seconds or an HTTP date.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The delay (never negative), or <see langword="null"/> when unparseable.</returns>
    public static TimeSpan? ParseRetryAfter(string? value, TimeProvider timeProvider)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            var delay = date - timeProvider.GetUtcNow();
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Turns a provider's error response into a one-line <see cref="ModelCallException"/>.</summary>
    /// <param name="exception">The provider's exception.</param>
    /// <param name="site">Where the call went (endpoint, model, API, key variable, key to mask, clock).</param>
    /// <returns>The exception to throw.</returns>
    public static ModelCallException FromClientResult(ClientResultException exception, ProviderCall site)
    {
        string endpoint = site.Endpoint, model = site.Model;
        string? apiKeyVariable = site.ApiKeyVariable, apiKey = site.ApiKey;
        int status = exception.Status;
        if (status == 0)
        {
            // No response at all: a refused or dropped connection.
            if (IsConnectionRefused(exception))
            {
                return new ModelCallException(
                    $"cannot connect to {endpoint}: connection refused (is the server running, and is the URL right?)", null, true, null, exception);
            }

            var why = exception.InnerException?.Message ?? exception.Message;
            return new ModelCallException(
                $"no response from {endpoint}: {Clean(why, apiKey)}", null, true, null, exception);
        }

        var reason = exception.GetRawResponse()?.ReasonPhrase;
        var head = $"{status} {(string.IsNullOrWhiteSpace(reason) ? ReasonPhrase(status) : reason)} from {endpoint}";
        var (serverMessage, code) = ReadServerError(exception, apiKey);
        var keyHint = apiKeyVariable is null ? "the endpoint wants an API key: add |<API-KEY-ENV-VAR> to the model spec" : $"check {apiKeyVariable}";
        string message = status switch
        {
            // The server's 401 text is not shown: OpenAI echoes (part of) the key in it.
            401 => $"{head}: {keyHint}",
            403 => $"{head}: the key is not allowed to use model '{model}' ({keyHint}){Suffix(serverMessage)}",
            404 => $"{head}: model '{model}' or the {site.Api} path does not exist{Suffix(serverMessage)}",
            429 when code == "insufficient_quota" => $"{head}: the account's quota is used up (check billing){Suffix(serverMessage)}",
            429 => $"{head}: rate limited{Suffix(serverMessage)}",
            >= 500 => $"{head}: server error{Suffix(serverMessage)}",
            _ => $"{head}: {serverMessage ?? "the request was rejected"}",
        };

        bool transient = IsTransientStatus(status) && code != "insufficient_quota";

        // Auth failures drop the SDK's exception: its message quotes the server's text, which may echo the key.
        var inner = status is 401 or 403 ? null : exception;
        return new ModelCallException(message, status, transient, transient ? ReadRetryAfter(exception, site.TimeProvider) : null, inner);
    }

    /// <summary>Makes text one line, masks secrets and truncates it.</summary>
    /// <param name="text">The text.</param>
    /// <param name="apiKey">The key to mask, or <see langword="null"/>.</param>
    /// <returns>The cleaned text.</returns>
    public static string Clean(string text, string? apiKey)
    {
        var one = SecretRedactor.Redact(text.ReplaceLineEndings(" ").Trim(), apiKey);
        return one.Length <= MaxServerMessageLength ? one : one[..MaxServerMessageLength] + "…";
    }

    /// <summary>Formats an endpoint for messages: scheme, host, port and path only.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>The display text.</returns>
    public static string Display(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private static string Suffix(string? serverMessage) => serverMessage is null ? string.Empty : " — " + serverMessage;

    private static (string? Message, string? Code) ReadServerError(ClientResultException exception, string? apiKey)
    {
        try
        {
            var content = exception.GetRawResponse()?.Content;
            if (content is null || content.ToMemory().IsEmpty)
            {
                return (null, null);
            }

            using var doc = JsonDocument.Parse(content.ToMemory());
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return (Clean(error.GetString() ?? string.Empty, apiKey), null);
                }

                if (error.ValueKind == JsonValueKind.Object)
                {
                    string? msg = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    string? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    return (string.IsNullOrWhiteSpace(msg) ? null : Clean(msg, apiKey), code);
                }
            }
        }
        catch (JsonException)
        {
            // A non-JSON error body (an HTML error page from a proxy): the status line says enough.
        }
        catch (InvalidOperationException)
        {
            // The content stream was not buffered.
        }

        return (null, null);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "Error",
    };
}
