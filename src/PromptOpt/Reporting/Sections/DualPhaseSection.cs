using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static PromptOpt.Reporting.DetailsReader;

namespace PromptOpt.Reporting.Sections;

/// <summary>
/// Dual-Phase: the EXP3 sentence weights over steps as a heat table (<see cref="ReportDetailKeys.SentenceWeights"/>), and
/// the attempted sentence rewrites with their fast and full checks (<see cref="ReportDetailKeys.Edits"/>).
/// </summary>
internal sealed class DualPhaseSection : IReportSection
{
    public string Id => "dual-phase";

    public string Title => "Dual-Phase: sentence weights";

    public bool AppliesTo(string method) => ReportSections.MethodIs(method, "dual-phase", "dualphase", "dual-phase-apo");

    public string RenderHtml(RunReport report)
    {
        var d = report.Result.Details;
        var grid = Grid.Read(d);
        var h = new HtmlBuilder();
        h.Open("div", ("id", "sentence-weights"));
        if (grid is null)
        {
            SectionKit.Note(h, "The run recorded no sentence weights.");
        }
        else
        {
            h.Element("p", "EXP3 weight of each editable sentence after each step (step 0: initial weights). Darker = more likely to be chosen for a rewrite; an outlined cell is a sentence rewritten (and accepted) at that step. Hover a cell for its text.", ("class", "lead"));
            h.Open("div", ("class", "table-wrap"));
            h.Open("table", ("id", "sentence-weights-table"));
            h.Open("thead").Open("tr").Element("th", "#", ("class", "num")).Element("th", "Sentence (latest text)");
            for (int s = 0; s < grid.Steps; s++)
            {
                h.Element("th", "step " + s.ToString(CultureInfo.InvariantCulture), ("class", "num"));
            }

            h.Close("tr").Close("thead").Open("tbody");
            foreach (var idx in grid.Indices)
            {
                h.Open("tr", ("data-index", idx.ToString(CultureInfo.InvariantCulture)));
                SectionKit.Num(h, idx.ToString(CultureInfo.InvariantCulture));
                h.Element("td", Fmt.Excerpt(grid.LatestText(idx), 140), ("class", "sentence"), ("title", grid.LatestText(idx)));
                for (int s = 0; s < grid.Steps; s++)
                {
                    if (grid.Cell(s, idx) is not { } cell)
                    {
                        h.Element("td", "\u2014", ("class", "heat"));
                        continue;
                    }

                    double t = grid.Max - grid.Min < 1e-12 ? 0.25 : (cell.Weight - grid.Min) / (grid.Max - grid.Min);
                    bool edited = s > 0 && grid.Cell(s - 1, idx) is { } prev && prev.Text != cell.Text;
                    h.Element("td", Fmt.F(cell.Weight, 2), ("class", edited ? "heat edited" : "heat"), ("style", Heat(t)), ("title", cell.Text));
                }

                h.Close("tr");
            }

            h.Close("tbody").Close("table").Close("div");
        }

        h.Close("div");
        WriteEdits(h, Objects(d, ReportDetailKeys.Edits));
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var d = report.Result.Details;
        var grid = Grid.Read(d);
        var sb = new StringBuilder();
        if (grid is null)
        {
            sb.Append(Md.Note("The run recorded no sentence weights."));
        }
        else
        {
            var headers = new List<string> { "#", "sentence" };
            headers.AddRange(Enumerable.Range(0, grid.Steps).Select(s => "step " + s.ToString(CultureInfo.InvariantCulture)));
            sb.Append("Sentence weights after each step:\n\n").Append(Md.Table(
                headers,
                grid.Indices.Select(i => (IReadOnlyList<string>)new[] { i.ToString(CultureInfo.InvariantCulture), Md.Escape(Fmt.Excerpt(grid.LatestText(i), 80)) }
                    .Concat(Enumerable.Range(0, grid.Steps).Select(s => grid.Cell(s, i) is { } c ? Fmt.F(c.Weight, 2) : "\u2014")).ToList()),
                Enumerable.Repeat(true, grid.Steps + 2).Select((v, i) => i != 1).ToList()));
        }

        var edits = Objects(d, ReportDetailKeys.Edits);
        if (edits.Count > 0)
        {
            sb.Append('\n').Append(AcceptanceText(edits)).Append("\n\n").Append(Md.Table(
                ["step", "sentence", "rewrite", "failure-set score", "score", "accepted"],
                edits.Select(e => (IReadOnlyList<string>)[
                    Fmt.Num(Num(e, "step") ?? 0), Fmt.Num(Num(e, "index") ?? 0),
                    Md.Escape(WordDiff.ToPlain(WordDiff.Diff(Str(e, "before"), Str(e, "after")))),
                    Fmt.Score(Num(e, "failure_score")), Fmt.Score(Num(e, "score")), Bool(e, "accepted") == true ? "yes" : "no"]),
                [true, true, false, true, true, false]));
        }

        return sb.ToString();
    }

    private static void WriteEdits(HtmlBuilder h, IReadOnlyList<JsonObject> edits)
    {
        if (edits.Count == 0)
        {
            return;
        }

        h.Open("div", ("id", "dual-phase-edits"));
        h.Element("h3", "Sentence rewrites");
        h.Element("p", AcceptanceText(edits), ("class", "lead"));
        h.Open("div", ("class", "table-wrap")).Open("table", ("id", "edits-table"));
        SectionKit.HeaderRow(h, ("Step", true), ("Sentence", true), ("Rewrite", false), ("Failure-set score", true), ("Score on V", true), ("Result", false));
        h.Open("tbody");
        foreach (var e in edits)
        {
            bool ok = Bool(e, "accepted") == true;
            h.Open("tr", ("data-status", ok ? "accepted" : "rejected"));
            SectionKit.Num(h, Fmt.Num(Num(e, "step") ?? 0));
            SectionKit.Num(h, Fmt.Num(Num(e, "index") ?? 0));
            h.Open("td").Open("div", ("class", "prompt diff"));
            WordDiff.WriteHtml(h, WordDiff.Diff(Str(e, "before"), Str(e, "after")));
            h.Close("div").Close("td");
            SectionKit.Num(h, Fmt.Score(Num(e, "failure_score")));
            SectionKit.Num(h, Fmt.Score(Num(e, "score")));
            h.Open("td").Element("span", ok ? "accepted" : "rejected", ("class", "badge " + (ok ? "accepted" : "rejected"))).Close("td");
            h.Close("tr");
        }

        h.Close("tbody").Close("table").Close("div");
        h.Close("div");
    }

    private static string AcceptanceText(IReadOnlyList<JsonObject> edits)
    {
        int ok = edits.Count(e => Bool(e, "accepted") == true);
        int fast = edits.Count(e => Num(e, "score") is null);
        return $"{edits.Count} rewrites attempted, {ok} accepted ({Fmt.Percent((double)ok / edits.Count)}); {fast} rejected by the fast check on the previous failures.";
    }

    /// <summary>A sequential colour scale from pale to deep blue; <paramref name="t"/> in [0, 1].</summary>
    private static string Heat(double t)
    {
        t = Math.Clamp(t, 0, 1);
        int R(int a, int b) => (int)Math.Round(a + ((b - a) * t));
        var bg = $"#{R(0xef, 0x1e):x2}{R(0xf6, 0x40):x2}{R(0xff, 0xaf):x2}";
        return "background:" + bg + ";color:" + (t > 0.55 ? "#ffffff" : "#1f2937");
    }

    /// <summary>The weights as a (step, sentence index) grid.</summary>
    private sealed class Grid
    {
        private readonly List<Dictionary<int, (string Text, double Weight)>> _steps = [];

        public int Steps => _steps.Count;

        public List<int> Indices { get; } = [];

        public double Min { get; private set; } = double.MaxValue;

        public double Max { get; private set; } = double.MinValue;

        public static Grid? Read(JsonObject details)
        {
            if (Arr(details, ReportDetailKeys.SentenceWeights) is not { Count: > 0 } steps)
            {
                return null;
            }

            var g = new Grid();
            var all = new SortedSet<int>();
            foreach (var step in steps)
            {
                var row = new Dictionary<int, (string, double)>();
                foreach (var s in Objects(step as JsonArray))
                {
                    if (Num(s, "index") is { } i && Num(s, "weight") is { } w)
                    {
                        row[(int)i] = (Str(s, "text") ?? string.Empty, w);
                        all.Add((int)i);
                        g.Min = Math.Min(g.Min, w);
                        g.Max = Math.Max(g.Max, w);
                    }
                }

                g._steps.Add(row);
            }

            g.Indices.AddRange(all);
            return all.Count == 0 ? null : g;
        }

        public (string Text, double Weight)? Cell(int step, int index) =>
            _steps[step].TryGetValue(index, out var c) ? c : null;

        public string LatestText(int index)
        {
            for (int s = _steps.Count - 1; s >= 0; s--)
            {
                if (_steps[s].TryGetValue(index, out var c))
                {
                    return c.Text;
                }
            }

            return string.Empty;
        }
    }
}
