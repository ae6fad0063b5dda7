using Microsoft.Extensions.Logging;
using PromptOpt.Models;

namespace PromptOpt.Cli.Rendering;

/// <summary>
/// The <c>--verbose</c> log: Microsoft.Extensions.AI's <c>LoggingChatClient</c> (added by <see cref="ModelFactory"/> when
/// <see cref="ModelPipelineOptions.LoggerFactory"/> is set) writes one line per real model call attempt to stderr, at
/// <see cref="LogLevel.Debug"/>: the method, invoked/completed/failed. Message contents are logged only at
/// <see cref="LogLevel.Trace"/>, which this logger never enables. Lines are masked like error messages (no key-like text).
/// </summary>
/// <param name="error">Standard error.</param>
internal sealed class StderrLogger(TextWriter error) : ILoggerFactory, ILogger
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Debug and < LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = ModelErrors.Clean(formatter(state, exception), null);
        lock (error)
        {
            error.WriteLine($"[{logLevel.ToString().ToLowerInvariant()}] {line}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
