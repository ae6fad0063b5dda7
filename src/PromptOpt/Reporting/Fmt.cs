using System.Globalization;

namespace PromptOpt.Reporting;

/// <summary>Invariant, fixed-decimal number formatting, so reports are byte-identical on every machine.</summary>
internal static class Fmt
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Formats with a fixed number of decimals ("n/a" for NaN or infinities; never "-0").</summary>
    public static string F(double value, int decimals)
    {
        if (!double.IsFinite(value))
        {
            return "n/a";
        }

        var s = Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals.ToString(Inv), Inv);
        return s.StartsWith('-') && s.Trim('-', '0', '.').Length == 0 ? s[1..] : s;
    }

    /// <summary>Formats a number compactly: integers without decimals, others with up to three.</summary>
    public static string Num(double value) =>
        !double.IsFinite(value) ? "n/a" : value == Math.Round(value) && Math.Abs(value) < 1e15 ? F(value, 0) : value.ToString("0.###", Inv);

    /// <summary>Formats an SVG coordinate (one decimal).</summary>
    public static string C(double value) => F(value, 1);

    /// <summary>Formats a score with three decimals, or an em dash when absent.</summary>
    public static string Score(double? value) => value is { } v ? F(v, 3) : "\u2014";

    /// <summary>Formats a signed difference with three decimals.</summary>
    public static string Delta(double value)
    {
        var s = F(value, 3);
        return value > 0 && s != F(0, 3) ? "+" + s : s;
    }

    /// <summary>Formats an integer with thousands separators.</summary>
    public static string Int(long value) => value.ToString("N0", Inv);

    /// <summary>Formats dollars: four decimals below one dollar, two above.</summary>
    public static string Dollars(decimal value) =>
        "$" + (Math.Abs(value) >= 1m ? value.ToString("N2", Inv) : value.ToString("0.0000", Inv));

    /// <summary>Formats a fraction as a percentage with one decimal.</summary>
    public static string Percent(double fraction) => F(fraction * 100, 1) + "%";

    /// <summary>Formats a tick label: as many decimals as the tick step needs (at most 6).</summary>
    public static string Tick(double value, double step)
    {
        int decimals = 0;
        while (decimals < 6 && step > 0 && Math.Abs((step * Math.Pow(10, decimals)) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6)
        {
            decimals++; // enough decimals to show the step exactly (0.025 → 3)
        }

        if (decimals == 0 && Math.Abs(value) >= 10_000)
        {
            return Math.Abs(value) >= 1_000_000 ? F(value / 1_000_000, 1) + "M" : F(value / 1_000, Math.Abs(value) % 1000 == 0 ? 0 : 1) + "k";
        }

        return F(value, decimals);
    }

    /// <summary>Formats a value label compactly: 121.5k, 2.4M, or with <paramref name="decimals"/> below 10,000.</summary>
    public static string Compact(double value, int decimals) =>
        Math.Abs(value) >= 1_000_000 ? F(value / 1_000_000, 1) + "M" : Math.Abs(value) >= 10_000 ? F(value / 1_000, 1) + "k" : F(value, decimals);

    /// <summary>Shortens text to <paramref name="max"/> characters on one line, with an ellipsis.</summary>
    public static string Excerpt(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var one = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return one.Length <= max ? one : one[..Math.Max(0, max - 1)].TrimEnd() + "\u2026";
    }
}
