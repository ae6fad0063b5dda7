using System.Globalization;

namespace PromptOpt.Cli;

/// <summary>
/// The <c>--faults</c> value of <c>sim-server</c>: comma-separated <c>kind=rate</c> pairs, rates in [0, 1].
/// Kinds: <c>429</c> (rate limit with Retry-After), <c>500</c>, <c>503</c>, <c>timeout</c> (the request hangs),
/// <c>malformed</c> (invalid JSON body), <c>drop</c> (connection closed mid-response).
/// </summary>
/// <param name="RateLimit">The 429 rate.</param>
/// <param name="ServerError">The 500 rate.</param>
/// <param name="Unavailable">The 503 rate.</param>
/// <param name="Timeout">The timeout rate.</param>
/// <param name="Malformed">The malformed-JSON rate.</param>
/// <param name="Drop">The dropped-connection rate.</param>
internal sealed record FaultSpec(double RateLimit, double ServerError, double Unavailable, double Timeout, double Malformed, double Drop)
{
    /// <summary>The accepted kinds, for messages and help.</summary>
    public const string Kinds = "429, 500, 503, timeout, malformed, drop";

    /// <summary>Gets no faults.</summary>
    public static FaultSpec None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Parses a fault spec.</summary>
    /// <param name="text">The text, or null/empty for none.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="PromptOptInputException">A pair is malformed, a kind unknown, a rate outside [0, 1], or the rates sum above 1.</exception>
    public static FaultSpec Parse(string? text)
    {
        var spec = None;
        if (string.IsNullOrWhiteSpace(text))
        {
            return spec;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0
                || !double.TryParse(part[(eq + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double rate)
                || double.IsNaN(rate))
            {
                throw new PromptOptInputException($"--faults: '{part}' is not kind=rate (e.g. 429=0.05)");
            }

            if (rate is < 0 or > 1)
            {
                throw new PromptOptInputException($"--faults: the rate of '{part[..eq].Trim()}' must be between 0 and 1, got {part[(eq + 1)..].Trim()}");
            }

            spec = part[..eq].Trim().ToLowerInvariant() switch
            {
                "429" => spec with { RateLimit = rate },
                "500" => spec with { ServerError = rate },
                "503" => spec with { Unavailable = rate },
                "timeout" => spec with { Timeout = rate },
                "malformed" => spec with { Malformed = rate },
                "drop" => spec with { Drop = rate },
                var kind => throw new PromptOptInputException($"--faults: unknown fault kind '{kind}'; expected one of {Kinds}"),
            };
        }

        if (spec.RateLimit + spec.ServerError + spec.Unavailable + spec.Timeout + spec.Malformed + spec.Drop > 1 + 1e-9)
        {
            throw new PromptOptInputException("--faults: the rates add up to more than 1");
        }

        return spec;
    }
}
