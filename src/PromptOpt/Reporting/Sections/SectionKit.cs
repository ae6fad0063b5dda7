namespace PromptOpt.Reporting.Sections;

/// <summary>Building blocks shared by the sections.</summary>
internal static class SectionKit
{
    /// <summary>Writes a chart in a figure with a caption.</summary>
    public static void Figure(HtmlBuilder h, string svg, string? caption, string? id = null)
    {
        h.Open("figure", ("id", id)).Raw(svg);
        if (!string.IsNullOrEmpty(caption))
        {
            h.Element("figcaption", caption);
        }

        h.Close("figure");
    }

    /// <summary>Writes a muted note paragraph.</summary>
    public static void Note(HtmlBuilder h, string text, string? id = null) => h.Element("p", text, ("class", "note"), ("id", id));

    /// <summary>Writes a score with a small bar (scaled to <paramref name="max"/>).</summary>
    public static void ScoreWithBar(HtmlBuilder h, double? score, double max = 1.0)
    {
        h.Text(Fmt.Score(score));
        if (score is { } s && max > 0)
        {
            var pct = Math.Clamp(s / max, 0, 1) * 100;
            h.Open("span", ("class", "scorebar")).Element("span", null, ("style", "width:" + Fmt.F(pct, 1) + "%")).Close("span");
        }
    }

    /// <summary>Writes a numeric table cell.</summary>
    public static void Num(HtmlBuilder h, string text, string? title = null) => h.Element("td", text, ("class", "num"), ("title", title));

    /// <summary>Writes a header row.</summary>
    public static void HeaderRow(HtmlBuilder h, params (string Text, bool Numeric)[] columns)
    {
        h.Open("thead").Open("tr");
        foreach (var (text, numeric) in columns)
        {
            h.Element("th", text, ("class", numeric ? "num" : null));
        }

        h.Close("tr").Close("thead");
    }

    /// <summary>Writes a colored delta span (green up, red down).</summary>
    public static void Delta(HtmlBuilder h, double delta)
    {
        var s = Fmt.Delta(delta);
        h.Element("span", s, ("class", s.StartsWith('+') ? "up" : s.StartsWith('-') ? "down" : null));
    }
}
