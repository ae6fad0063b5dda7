namespace PromptOpt.Models;

/// <summary>
/// A model call failed. The message is one line saying what is wrong and where (never the API key), e.g.
/// <c>401 Unauthorized from https://api.openai.com/v1: check OPENAI_API_KEY</c>. <see cref="IsTransient"/> tells the retry
/// middleware whether trying again can help (429, 5xx, timeouts, dropped connections, malformed replies).
/// </summary>
public sealed class ModelCallException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ModelCallException"/> class.</summary>
    public ModelCallException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelCallException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    public ModelCallException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelCallException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    /// <param name="innerException">The inner exception.</param>
    public ModelCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelCallException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    /// <param name="statusCode">The HTTP status, or <see langword="null"/> when no response was received.</param>
    /// <param name="isTransient">Whether retrying can help.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, or <see langword="null"/>.</param>
    /// <param name="innerException">The inner exception, or <see langword="null"/>.</param>
    public ModelCallException(string message, int? statusCode, bool isTransient, TimeSpan? retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        IsTransient = isTransient;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the HTTP status, or <see langword="null"/> when no response was received.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets whether retrying can help (rate limits, server errors, timeouts, dropped connections, malformed replies).</summary>
    public bool IsTransient { get; }

    /// <summary>Gets the delay the server asked for with <c>Retry-After</c>, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }
}
