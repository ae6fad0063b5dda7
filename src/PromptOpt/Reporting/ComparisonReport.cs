using System.Globalization;
using System.Text;
using PromptOpt.Optimizers.Compare;

namespace PromptOpt.Reporting;

/// <summary>
/// Renders a comparison (<c>promptopt compare</c>): per task a table (method, final test mean ± s.e. over seeds, paired Δ
/// against the best method with s.e. and t, calls / tokens / dollars spent, share of the budget spent, stop reasons and,
/// on the simulator, the fraction of the oracle prompt's score and the calls to reach 90 % of it), the anytime curves
/// (best-so-far score on V against calls, ± s.e. band) and each method's best prompt. Markdown (also the command's text
/// output) and a self-contained HTML page with inline SVG.
/// </summary>
public static class ComparisonReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The table's column headers.</summary>
    public static IReadOnlyList<string> Headers { get; } =
        ["method", "test (mean ± s.e.)", "Δ vs best (± s.e.)", "t", "start", "task calls", "opt calls", "tokens", "$", "budget spent", "stop", "oracle frac", "calls to 90%", "prompt words"];

    /// <summary>Formats one row's cells (the same in Markdown and HTML).</summary>
    /// <param name="row">The row.</param>
    /// <param name="seeds">The number of seeds (for "k/n reached").</param>
    /// <returns>The cells.</returns>
    public static IReadOnlyList<string> Cells(ComparisonRow row, int seeds)
    {
        ArgumentNullException.ThrowIfNull(row);
        string delta = row.DeltaVsBest is { } d ? $"{Signed(d.Mean)} ± {F(d.StandardError)}" : "best";
        string t = row.DeltaVsBest is { T: { } tv } ? tv.ToString("0.0", Inv) : "—";
        string to90 = row.CallsToNinetyPercent is { } c
            ? $"{c.ToString("0", Inv)} ({row.ReachedNinetyPercent}/{seeds})"
            : row.OracleFraction is null ? "—" : "not reached";
        return
        [
            row.Method,
            row.Test.N == 0 ? "—" : $"{F(row.Test.Mean)} ± {F(row.Test.StandardError)}",
            delta,
            t,
            row.StartTest.N == 0 ? "—" : F(row.StartTest.Mean),
            row.TaskCalls.ToString("0", Inv),
            row.OptimizerCalls.ToString("0", Inv),
            row.Tokens.ToString("0", Inv),
            row.Dollars.ToString("0.0000", Inv),
            row.SpendShare is { } s ? (s * 100).ToString("0", Inv) + "%" : "—",
            row.StopReasons,
            row.OracleFraction is { } f ? F(f) : "—",
            to90,
            row.PromptWords.N == 0 ? "—" : row.PromptWords.Mean.ToString("0", Inv),
        ];
    }

    /// <summary>Renders the comparison as Markdown.</summary>
    /// <param name="tables">The tables, one per task.</param>
    /// <param name="title">The heading.</param>
    /// <param name="facts">Lines under the heading (models, budget, seeds, "simulated").</param>
    /// <returns>The Markdown.</returns>
    public static string ToMarkdown(IReadOnlyList<ComparisonTable> tables, string title, IReadOnlyList<string> facts)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(facts);
        var sb = new StringBuilder();
        sb.Append("# ").Append(title).Append("\n\n");
        foreach (var f in facts)
        {
            sb.Append("- ").Append(Md.Escape(f)).Append('\n');
        }

        foreach (var t in tables)
        {
            int seeds = t.Runs.Select(r => r.Seed).Distinct().Count();
            sb.Append("\n## ").Append(Md.Escape(t.Task)).Append("\n\n");
            var numeric = Headers.Select((_, i) => i is > 0 and < 10 or 11 or 12 or 13).ToList();
            sb.Append(Md.Table(Headers, t.Rows.Select(r => Cells(r, seeds)), numeric));
            if (t.OracleTest is { } o)
            {
                sb.Append('\n').Append(Md.Note($"oracle prompt (simulator): test {F(o)}; \"oracle frac\" = test score / oracle's; \"calls to 90%\" = calls until the best score on V reached 90% of the oracle's on V"));
            }

            foreach (var w in t.Rows.SelectMany(r => r.Warnings))
            {
                sb.Append('\n').Append(Md.Note("warning: " + w));
            }
        }

        return sb.ToString();
    }

    /// <summary>Renders one task's anytime curves as an SVG line chart (best-so-far score on V against calls, ± s.e. band).</summary>
    /// <param name="table">The table.</param>
    /// <returns>The <c>svg</c> markup.</returns>
    public static string CurvesSvg(ComparisonTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var series = table.Rows.Select(r => new ChartSeries(r.Method,
            table.Curves.TryGetValue(r.Method, out var c) ? c.Select(p => new ChartPoint(p.Calls, p.Score.Mean, p.Score.StandardError)).ToList() : [])
        {
            Markers = false,
        }).ToList();
        return SvgChart.Line(series, new SvgChartOptions
        {
            Id = "curves-" + table.Task,
            Title = $"{table.Task}: best-so-far score on V against calls spent (mean ± s.e. over seeds)",
            XLabel = "calls (task + optimizer)",
            YLabel = "best score on V",
        });
    }

    /// <summary>Renders the comparison as a self-contained HTML page (inline CSS and SVG; no scripts, fonts or network).</summary>
    /// <param name="tables">The tables, one per task.</param>
    /// <param name="title">The heading.</param>
    /// <param name="facts">Lines under the heading.</param>
    /// <returns>The HTML.</returns>
    public static string ToHtml(IReadOnlyList<ComparisonTable> tables, string title, IReadOnlyList<string> facts)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(facts);
        var h = new HtmlBuilder();
        h.Raw("<!DOCTYPE html>\n");
        h.Open("html", ("lang", "en"));
        h.Open("head");
        h.Empty("meta", ("charset", "utf-8"));
        h.Element("title", title);
        h.Element("style", ReportStyles.Css);
        h.Close("head");
        h.Open("body");
        h.Open("div", ("class", "page"));
        h.Element("div", "PromptOpt compare", ("class", "brand"));
        h.Element("h1", title);
        h.Open("ul");
        foreach (var f in facts)
        {
            h.Element("li", f);
        }

        h.Close("ul");
        foreach (var t in tables)
        {
            int seeds = t.Runs.Select(r => r.Seed).Distinct().Count();
            h.Open("section", ("class", "card"));
            h.Element("h2", t.Task);
            h.Open("table");
            h.Open("thead");
            h.Open("tr");
            foreach (var head in Headers)
            {
                h.Element("th", head);
            }

            h.Close("tr");
            h.Close("thead");
            h.Open("tbody");
            foreach (var r in t.Rows)
            {
                h.Open("tr");
                foreach (var cell in Cells(r, seeds))
                {
                    h.Element("td", cell);
                }

                h.Close("tr");
            }

            h.Close("tbody");
            h.Close("table");
            if (t.OracleTest is { } o)
            {
                h.Element("p", $"Oracle prompt (simulator): test {F(o)}. \"oracle frac\" = test score / the oracle's; \"calls to 90%\" = calls until the best score on V reached 90% of the oracle's on V.", ("class", "meta"));
            }

            foreach (var w in t.Rows.SelectMany(r => r.Warnings))
            {
                h.Element("p", "warning: " + w, ("class", "meta"));
            }

            h.Open("figure");
            h.Raw(CurvesSvg(t));
            h.Close("figure");
            h.Element("h3", "Best prompt of each method (its best seed)");
            foreach (var r in t.Rows.Where(r => r.BestPrompt is not null))
            {
                h.Open("details");
                h.Element("summary", $"{r.Method} (test {F(r.Test.Mean)})");
                if (!string.IsNullOrEmpty(r.BestPrompt!.System))
                {
                    h.Element("pre", "[system]\n" + r.BestPrompt.System);
                }

                h.Element("pre", r.BestPrompt.User);
                h.Close("details");
            }

            h.Close("section");
        }

        h.Close("div");
        h.Close("body");
        h.Close("html");
        return h.ToString();
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", Inv) : "—";

    private static string Signed(double v) => double.IsFinite(v) ? v.ToString("+0.000;-0.000;0.000", Inv) : "—";
}
