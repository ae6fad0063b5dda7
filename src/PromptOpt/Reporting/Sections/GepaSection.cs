using System.Text;
using System.Text.Json.Nodes;
using static PromptOpt.Reporting.DetailsReader;

namespace PromptOpt.Reporting.Sections;

/// <summary>GEPA: the Pareto frontier over time (best score on the Pareto set and the frontier's members per iteration) and the lineage tree.</summary>
internal sealed class GepaSection : IReportSection
{
    public string Id => "gepa";

    public string Title => "GEPA: Pareto frontier and lineage";

    public bool AppliesTo(string method) => ReportSections.MethodIs(method, "gepa");

    public string RenderHtml(RunReport report)
    {
        var d = report.Result.Details;
        var iterations = Objects(d, "iterations");
        var lineage = Objects(d, "lineage");
        var h = new HtmlBuilder();
        h.Element("p", $"Pareto set: {Num(d, "pareto_set")} examples; feedback set: {Num(d, "feedback_set")} examples; metric calls: {Num(d, "metric_calls")} of {Num(d, "metric_budget")}; selection: {Str(d, "selection")}.");
        if (iterations.Count > 0)
        {
            var points = iterations.Select(i => new ChartPoint(Num(i, "metric_calls") ?? 0, Num(i, "best_score"))).ToList();
            var sizes = iterations.Select(i => new ChartPoint(Num(i, "metric_calls") ?? 0, Arr(i, "frontier")?.Count)).ToList();
            SectionKit.Figure(h, SvgChart.Line([new ChartSeries("best score on the Pareto set", points)], new SvgChartOptions
            {
                Id = "gepa-frontier-chart", Title = "Best candidate over time", XLabel = "metric calls", YLabel = "score",
            }), null);
            SectionKit.Figure(h, SvgChart.Line([new ChartSeries("candidates on the frontier", sizes) { Color = "#f97316" }], new SvgChartOptions
            {
                Id = "gepa-frontier-size-chart", Title = "Pareto frontier size over time", XLabel = "metric calls", YLabel = "candidates", Decimals = 0, Height = 220,
            }), null);
            h.Open("div", ("class", "table-wrap")).Open("table", ("id", "gepa-iterations"));
            SectionKit.HeaderRow(h, ("Iteration", true), ("Kind", false), ("Parents", false), ("Component", false), ("Minibatch parent → child", false), ("Child", false), ("Frontier", false), ("Best", true));
            h.Open("tbody");
            foreach (var i in iterations)
            {
                h.Open("tr");
                SectionKit.Num(h, ((long)(Num(i, "iteration") ?? 0)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                h.Element("td", Str(i, "kind") ?? string.Empty).Element("td", Ids(Arr(i, "parents"))).Element("td", Str(i, "component") ?? string.Empty)
                    .Element("td", Minibatch(i)).Element("td", Child(i)).Element("td", Ids(Arr(i, "frontier")));
                SectionKit.Num(h, Fmt.Score(Num(i, "best_score")));
                h.Close("tr");
            }

            h.Close("tbody").Close("table").Close("div");
        }

        if (lineage.Count > 0)
        {
            h.Element("h3", "Lineage");
            h.Open("div", ("id", "gepa-lineage"));
            Tree(h, lineage, null);
            h.Close("div");
        }

        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var d = report.Result.Details;
        var sb = new StringBuilder();
        sb.Append(Md.Table(["Iteration", "Kind", "Parents", "Component", "Minibatch", "Child", "Frontier", "Best"],
            Objects(d, "iterations").Select(i => (IReadOnlyList<string>)[
                Num(i, "iteration")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, Str(i, "kind") ?? string.Empty,
                Ids(Arr(i, "parents")), Str(i, "component") ?? string.Empty, Minibatch(i), Child(i), Ids(Arr(i, "frontier")), Fmt.Score(Num(i, "best_score"))])));
        sb.Append("\nLineage (candidate ← parents: operation, Pareto-set score, examples won):\n\n");
        foreach (var l in Objects(d, "lineage"))
        {
            sb.Append("- #").Append(Num(l, "candidate")).Append(" ← ").Append(Ids(Arr(l, "parents"))).Append(": ").Append(Str(l, "operation"))
              .Append(", ").Append(Fmt.Score(Num(l, "score"))).Append(", ").Append(Num(l, "wins")).Append('\n');
        }

        return sb.ToString();
    }

    private static void Tree(HtmlBuilder h, IReadOnlyList<JsonObject> lineage, double? parent)
    {
        var children = lineage.Where(l => Arr(l, "parents") is { Count: > 0 } ps ? parent is not null && Num(ps[0]) == parent : parent is null).ToList();
        if (children.Count == 0)
        {
            return;
        }

        h.Open("ul");
        foreach (var c in children)
        {
            var merge = Arr(c, "parents") is { Count: > 1 } ps ? $" (merge with #{Num(ps[1])})" : string.Empty;
            h.Open("li").Text($"#{Num(c, "candidate")} {Str(c, "operation")}{merge}: {Fmt.Score(Num(c, "score"))}, wins {Num(c, "wins")} examples");
            Tree(h, lineage, Num(c, "candidate"));
            h.Close("li");
        }

        h.Close("ul");
    }

    private static string Ids(JsonArray? ids) => ids is null ? string.Empty : string.Join(", ", ids.Select(x => "#" + Num(x)));

    private static string Minibatch(JsonObject i) =>
        Num(i, "parent_minibatch") is { } p ? Fmt.Score(p) + (Num(i, "child_minibatch") is { } c ? " → " + Fmt.Score(c) : string.Empty) : string.Empty;

    private static string Child(JsonObject i) =>
        Num(i, "child") is { } c ? $"#{c} {(Bool(i, "accepted") == true ? "accepted" : "rejected")}" : Str(i, "note") ?? string.Empty;
}
