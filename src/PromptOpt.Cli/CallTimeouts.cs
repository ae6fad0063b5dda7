using System.Globalization;

namespace PromptOpt.Cli;

/// <summary>
/// The network timeout of one model call: <c>--timeout</c>, else the spec's <c>timeout:</c>, else <c>$PROMPTOPT_TIMEOUT</c>,
/// else <see cref="Default"/>. A call that takes longer is abandoned and retried like any transient failure.
/// </summary>
internal static class CallTimeouts
{
    /// <summary>The environment variable that sets the timeout.</summary>
    public const string EnvironmentVariable = "PROMPTOPT_TIMEOUT";

    /// <summary>The longest timeout accepted.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(1);

    /// <summary>The default: long enough for a long chat answer from a slow local model, short enough that a hung
    /// connection costs a minute, not two.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    /// <summary>The help text of <c>--timeout</c>.</summary>
    public const string Help = "Network timeout of one model call, e.g. 30s, 2m, 1500ms (a bare number is seconds); a call that takes longer is " +
        "retried like other transient failures. Default: $" + EnvironmentVariable + ", else 60s.";

    /// <summary>Creates <c>--timeout</c>.</summary>
    /// <returns>The option.</returns>
    public static System.CommandLine.Option<string?> Option() => new("--timeout") { Description = Help, HelpName = "duration" };

    /// <summary>Resolves the timeout from the flag, the spec and the environment.</summary>
    /// <param name="context">The context (environment).</param>
    /// <param name="flag">The <c>--timeout</c> value, or <see langword="null"/>.</param>
    /// <param name="spec">The spec's <c>timeout:</c> value, or <see langword="null"/>.</param>
    /// <param name="specSource">Where the spec value came from (its file), for messages.</param>
    /// <returns>The timeout.</returns>
    /// <exception cref="PromptOptInputException">A value is not a duration between 1 ms and 1 h.</exception>
    public static TimeSpan Resolve(CliContext context, string? flag, string? spec = null, string? specSource = null)
    {
        if (flag is not null)
        {
            return Parse(flag, "--timeout");
        }

        if (spec is not null)
        {
            return Parse(spec, (specSource is null ? string.Empty : specSource + ": ") + "'timeout'");
        }

        return context.Environment(EnvironmentVariable) is { Length: > 0 } env ? Parse(env, EnvironmentVariable) : Default;
    }

    /// <summary>Parses a duration: <c>30</c> or <c>30s</c> (seconds), <c>1500ms</c>, <c>2m</c>, <c>1h</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="source">Where it came from, for the message.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="PromptOptInputException">Not a duration between 1 ms and 1 h.</exception>
    public static TimeSpan Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        var (number, unit) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        if (!double.TryParse(number.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value)
            || value * unit < 0.001 || value * unit > Max.TotalSeconds)
        {
            throw new PromptOptInputException($"{source}: '{text}' is not a timeout: expected a duration between 1ms and 1h, e.g. 30s, 2m or 1500ms");
        }

        return TimeSpan.FromSeconds(value * unit);
    }
}
