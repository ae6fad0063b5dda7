using System.Text;
using System.Text.Json.Nodes;
using static PromptOpt.Reporting.DetailsReader;

namespace PromptOpt.Reporting.Sections;

/// <summary>
/// MetaSPO: source-task scores before and after (<see cref="ReportDetailKeys.Tasks"/>), unseen-task generalization
/// (<see cref="ReportDetailKeys.Unseen"/>) and test-time adaptation curves (<see cref="ReportDetailKeys.Tta"/>).
/// </summary>
internal sealed class MetaSpoSection : IReportSection
{
    public string Id => "metaspo";

    public string Title => "MetaSPO: tasks and generalization";

    public bool AppliesTo(string method) => ReportSections.MethodIs(method, "metaspo", "meta-spo");

    public string RenderHtml(RunReport report)
    {
        var d = report.Result.Details;
        var (tasks, unseen, tta) = (Objects(d, ReportDetailKeys.Tasks), Objects(d, ReportDetailKeys.Unseen), Objects(d, ReportDetailKeys.Tta));
        var h = new HtmlBuilder();
        if (tasks.Count + unseen.Count + tta.Count == 0)
        {
            SectionKit.Note(h, "The run recorded no per-task results.");
            return h.ToString();
        }

        if (tasks.Count > 0)
        {
            h.Open("div", ("id", "metaspo-tasks"));
            h.Element("h3", "Source tasks (training score)");
            var names = tasks.Select(t => Str(t, "task") ?? "?").ToList();
            SectionKit.Figure(h, SvgChart.Bar(names, [
                new BarSeries("start", tasks.Select(t => Num(t, "start")).ToList()) { Color = "#94a3b8" },
                new BarSeries("optimized", tasks.Select(t => Num(t, "best")).ToList()) { Color = "#2563eb" },
            ], new SvgChartOptions { Id = "metaspo-tasks-chart", Title = "Source tasks: start vs optimized", YLabel = "train score", Height = 280 }), null);
            Table(h, "metaspo-tasks-table", ["Task", "Start", "Optimized", "Change"],
                tasks.Select(t => (Str(t, "task") ?? "?", new[] { Num(t, "start"), Num(t, "best") })).ToList(), withDelta: true);
            h.Close("div");
        }

        if (unseen.Count > 0)
        {
            bool cot = unseen.Any(u => Num(u, "cot") is not null);
            h.Open("div", ("id", "metaspo-unseen"));
            h.Element("h3", "Unseen tasks (test score, mean over user prompts)");
            var names = unseen.Select(u => Str(u, "task") ?? "?").ToList();
            var series = new List<BarSeries> { new("default system prompt", unseen.Select(u => Num(u, "default")).ToList()) { Color = "#94a3b8" } };
            if (cot)
            {
                series.Add(new BarSeries("CoT system prompt", unseen.Select(u => Num(u, "cot")).ToList()) { Color = "#f97316" });
            }

            series.Add(new BarSeries("optimized system prompt", unseen.Select(u => Num(u, "optimized")).ToList()) { Color = "#2563eb" });
            SectionKit.Figure(h, SvgChart.Bar(names, series, new SvgChartOptions { Id = "metaspo-unseen-chart", Title = "Unseen tasks by system prompt", YLabel = "test score", Height = 280 }), null);
            var headers = new List<string> { "Task", "Domain", "Default" };
            if (cot)
            {
                headers.Add("CoT");
            }

            headers.AddRange(["Optimized", "Change vs default"]);
            h.Open("div", ("class", "table-wrap")).Open("table", ("id", "metaspo-unseen-table"));
            SectionKit.HeaderRow(h, headers.Select((x, i) => (x, i >= 2)).ToArray());
            h.Open("tbody");
            foreach (var u in unseen)
            {
                h.Open("tr").Element("td", Str(u, "task") ?? "?").Element("td", Str(u, "domain") ?? string.Empty);
                SectionKit.Num(h, Fmt.Score(Num(u, "default")));
                if (cot)
                {
                    SectionKit.Num(h, Fmt.Score(Num(u, "cot")));
                }

                SectionKit.Num(h, Fmt.Score(Num(u, "optimized")));
                DeltaCell(h, Num(u, "default"), Num(u, "optimized"));
                h.Close("tr");
            }

            h.Open("tr", ("class", "total")).Element("td", "mean").Element("td", string.Empty);
            SectionKit.Num(h, Fmt.Score(Mean(unseen, "default")));
            if (cot)
            {
                SectionKit.Num(h, Fmt.Score(Mean(unseen, "cot")));
            }

            SectionKit.Num(h, Fmt.Score(Mean(unseen, "optimized")));
            DeltaCell(h, Mean(unseen, "default"), Mean(unseen, "optimized"));
            h.Close("tr").Close("tbody").Close("table").Close("div");
            h.Close("div");
        }

        if (tta.Count > 0)
        {
            h.Open("div", ("id", "metaspo-tta"));
            h.Element("h3", "Test-time adaptation on unseen tasks");
            SectionKit.Figure(h, SvgChart.Line([
                new ChartSeries("default system prompt", MeanCurve(tta, "default")) { Color = "#94a3b8" },
                new ChartSeries("optimized system prompt", MeanCurve(tta, "optimized")) { Color = "#2563eb" },
            ], new SvgChartOptions { Id = "metaspo-tta-chart", Title = "Test-time adaptation", XLabel = "adaptation iteration", YLabel = "mean test score", Height = 260 }),
                "Mean test score over the unseen tasks after each user-prompt adaptation iteration (0 = before adaptation).");
            Table(h, "metaspo-tta-table", ["Task", "Default: start", "Default: final", "Optimized: start", "Optimized: final"],
                tta.Select(t => (Str(t, "task") ?? "?", new[] { First(t, "default"), Last(t, "default"), First(t, "optimized"), Last(t, "optimized") })).ToList(), withDelta: false);
            h.Close("div");
        }

        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var d = report.Result.Details;
        var (tasks, unseen, tta) = (Objects(d, ReportDetailKeys.Tasks), Objects(d, ReportDetailKeys.Unseen), Objects(d, ReportDetailKeys.Tta));
        if (tasks.Count + unseen.Count + tta.Count == 0)
        {
            return Md.Note("The run recorded no per-task results.");
        }

        var sb = new StringBuilder();
        if (tasks.Count > 0)
        {
            sb.Append("**Source tasks** (training score)\n\n").Append(Md.Table(["task", "start", "optimized", "change"],
                tasks.Select(t => (IReadOnlyList<string>)[Md.Escape(Str(t, "task")), Fmt.Score(Num(t, "start")), Fmt.Score(Num(t, "best")), DeltaText(Num(t, "start"), Num(t, "best"))]),
                [false, true, true, true])).Append('\n');
        }

        if (unseen.Count > 0)
        {
            var rows = unseen.Select(u => (IReadOnlyList<string>)[Md.Escape(Str(u, "task")), Md.Escape(Str(u, "domain")), Fmt.Score(Num(u, "default")),
                Fmt.Score(Num(u, "cot")), Fmt.Score(Num(u, "optimized")), DeltaText(Num(u, "default"), Num(u, "optimized"))]).ToList();
            rows.Add(["**mean**", string.Empty, Fmt.Score(Mean(unseen, "default")), Fmt.Score(Mean(unseen, "cot")), Fmt.Score(Mean(unseen, "optimized")),
                DeltaText(Mean(unseen, "default"), Mean(unseen, "optimized"))]);
            sb.Append("**Unseen tasks** (test score, mean over user prompts)\n\n")
                .Append(Md.Table(["task", "domain", "default", "CoT", "optimized", "change vs default"], rows, [false, false, true, true, true, true])).Append('\n');
        }

        if (tta.Count > 0)
        {
            sb.Append("**Test-time adaptation** (test score before \u2192 after adaptation)\n\n").Append(Md.Table(["task", "default system prompt", "optimized system prompt"],
                tta.Select(t => (IReadOnlyList<string>)[Md.Escape(Str(t, "task")),
                    Fmt.Score(First(t, "default")) + " \u2192 " + Fmt.Score(Last(t, "default")),
                    Fmt.Score(First(t, "optimized")) + " \u2192 " + Fmt.Score(Last(t, "optimized"))]),
                [false, true, true]));
        }

        return sb.ToString();
    }

    private static void Table(HtmlBuilder h, string id, string[] headers, List<(string Name, double?[] Values)> rows, bool withDelta)
    {
        h.Open("div", ("class", "table-wrap")).Open("table", ("id", id));
        SectionKit.HeaderRow(h, headers.Select((x, i) => (x, i > 0)).ToArray());
        h.Open("tbody");
        foreach (var (name, values) in rows)
        {
            h.Open("tr").Element("td", name);
            foreach (var v in values)
            {
                SectionKit.Num(h, Fmt.Score(v));
            }

            if (withDelta)
            {
                DeltaCell(h, values[0], values[^1]);
            }

            h.Close("tr");
        }

        h.Close("tbody").Close("table").Close("div");
    }

    private static void DeltaCell(HtmlBuilder h, double? from, double? to)
    {
        h.Open("td", ("class", "num"));
        if (from is { } a && to is { } b)
        {
            SectionKit.Delta(h, b - a);
        }
        else
        {
            h.Text("\u2014");
        }

        h.Close("td");
    }

    private static string DeltaText(double? a, double? b) => a is { } x && b is { } y ? Fmt.Delta(y - x) : "\u2014";

    private static double? Mean(IReadOnlyList<JsonObject> rows, string key)
    {
        var v = rows.Select(r => Num(r, key)).Where(x => x is not null).Select(x => x!.Value).ToList();
        return v.Count == 0 ? null : v.Average();
    }

    private static double? First(JsonObject o, string key) => Numbers(o, key).FirstOrDefault(x => x is not null);

    private static double? Last(JsonObject o, string key) => Numbers(o, key).LastOrDefault(x => x is not null);

    /// <summary>The mean over tasks at each iteration (tasks with fewer iterations drop out).</summary>
    private static List<ChartPoint> MeanCurve(IReadOnlyList<JsonObject> tta, string key)
    {
        var curves = tta.Select(t => Numbers(t, key)).ToList();
        int n = curves.Count == 0 ? 0 : curves.Max(c => c.Count);
        return Enumerable.Range(0, n).Select(i =>
        {
            var v = curves.Where(c => i < c.Count && c[i] is not null).Select(c => c[i]!.Value).ToList();
            return new ChartPoint(i, v.Count == 0 ? null : v.Average());
        }).ToList();
    }
}
