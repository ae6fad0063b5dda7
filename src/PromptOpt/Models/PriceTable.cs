using System.Globalization;

namespace PromptOpt.Models;

/// <summary>
/// US-dollar prices per million tokens by model id (longest matching prefix wins). Users override entries with
/// <see cref="With"/> or the CLI's <c>--price model=in/out</c>. The simulator and unknown models cost 0.
/// </summary>
public sealed class PriceTable
{
    private readonly Dictionary<string, (decimal Input, decimal Output)> _prices;

    /// <summary>Initializes a new instance of the <see cref="PriceTable"/> class.</summary>
    /// <param name="prices">Model-id prefix → (input, output) dollars per million tokens.</param>
    public PriceTable(IReadOnlyDictionary<string, (decimal Input, decimal Output)> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _prices = new Dictionary<string, (decimal, decimal)>(prices, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the built-in table (list prices as of 2025 for common OpenAI models; users should check theirs).</summary>
    public static PriceTable Default { get; } = new(new Dictionary<string, (decimal, decimal)>
    {
        ["gpt-4o-mini"] = (0.15m, 0.60m),
        ["gpt-4o"] = (2.50m, 10.00m),
        ["gpt-4.1-mini"] = (0.40m, 1.60m),
        ["gpt-4.1-nano"] = (0.10m, 0.40m),
        ["gpt-4.1"] = (2.00m, 8.00m),
        ["gpt-3.5-turbo"] = (0.50m, 1.50m),
        ["o4-mini"] = (1.10m, 4.40m),
        ["text-embedding-3-small"] = (0.02m, 0m),
        ["text-embedding-3-large"] = (0.13m, 0m),
        ["text-embedding-ada-002"] = (0.10m, 0m),
    });

    /// <summary>Returns a copy with one entry set.</summary>
    /// <param name="modelPrefix">The model-id prefix.</param>
    /// <param name="inputPerMillion">Dollars per million input tokens.</param>
    /// <param name="outputPerMillion">Dollars per million output tokens.</param>
    /// <returns>The new table.</returns>
    public PriceTable With(string modelPrefix, decimal inputPerMillion, decimal outputPerMillion)
    {
        var copy = new Dictionary<string, (decimal, decimal)>(_prices, StringComparer.OrdinalIgnoreCase) { [modelPrefix] = (inputPerMillion, outputPerMillion) };
        return new PriceTable(copy);
    }

    /// <summary>Parses an override of the form <c>model=input/output</c> (dollars per million tokens).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The new table.</returns>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public PriceTable WithOverride(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (eq <= 0 || slash < eq
            || !decimal.TryParse(text[(eq + 1)..slash], NumberStyles.Number, CultureInfo.InvariantCulture, out var i)
            || !decimal.TryParse(text[(slash + 1)..], NumberStyles.Number, CultureInfo.InvariantCulture, out var o))
        {
            throw new FormatException($"price '{text}' is not of the form model=input/output (dollars per million tokens), e.g. gpt-4o-mini=0.15/0.60");
        }

        return With(text[..eq], i, o);
    }

    /// <summary>Estimates the cost of a call.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="inputTokens">Input tokens.</param>
    /// <param name="outputTokens">Output tokens.</param>
    /// <returns>The cost in dollars (0 for unknown models).</returns>
    public decimal Estimate(string? modelId, long inputTokens, long outputTokens)
    {
        if (string.IsNullOrEmpty(modelId))
        {
            return 0m;
        }

        string? best = null;
        foreach (var key in _prices.Keys)
        {
            if (modelId.StartsWith(key, StringComparison.OrdinalIgnoreCase) && (best is null || key.Length > best.Length))
            {
                best = key;
            }
        }

        if (best is null)
        {
            return 0m;
        }

        var (pi, po) = _prices[best];
        return ((pi * inputTokens) + (po * outputTokens)) / 1_000_000m;
    }
}
