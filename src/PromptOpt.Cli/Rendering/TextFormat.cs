using System.Globalization;

namespace PromptOpt.Cli.Rendering;

/// <summary>Small, culture-invariant text helpers for human output.</summary>
internal static class TextFormat
{
    /// <summary>Formats a score with three decimals.</summary>
    /// <param name="score">The score.</param>
    /// <returns>The text.</returns>
    public static string Score(double score) => score.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Formats an integer with no grouping.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Collapses whitespace to single spaces and cuts the text to <paramref name="max"/> characters with an ellipsis.</summary>
    /// <param name="text">The text (null prints as "(none)").</param>
    /// <param name="max">The maximum length.</param>
    /// <returns>The excerpt.</returns>
    public static string Excerpt(string? text, int max = 80)
    {
        if (text is null)
        {
            return "(none)";
        }

        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }

    /// <summary>Writes aligned "label  value" lines.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="rows">The rows.</param>
    public static void WriteFields(TextWriter writer, IEnumerable<(string Label, string Value)> rows)
    {
        var list = rows.ToList();
        int width = list.Count == 0 ? 0 : list.Max(r => r.Label.Length);
        foreach (var (label, value) in list)
        {
            writer.WriteLine(label.PadRight(width + 2) + value);
        }
    }
}
