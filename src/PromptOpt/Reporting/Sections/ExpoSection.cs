using System.Text;
using System.Text.Json.Nodes;
using static PromptOpt.Reporting.DetailsReader;

namespace PromptOpt.Reporting.Sections;

/// <summary>
/// EXPO / EXPO-ES: cumulative regret and best value over steps (with optional baselines), the sampling probabilities of
/// the leading arms over time, and the arms pulled (<see cref="ReportDetailKeys.Steps"/>, <see cref="ReportDetailKeys.Arms"/>,
/// <see cref="ReportDetailKeys.Baselines"/>).
/// </summary>
internal sealed class ExpoSection : IReportSection
{
    /// <summary>The number of arms drawn in the probability chart.</summary>
    internal const int ChartArms = 6;

    public string Id => "expo";

    public string Title => "EXPO: regret and arm probabilities";

    public bool AppliesTo(string method) => ReportSections.MethodIs(method, "expo", "expo-es", "expo-fixed", "expo-uniform", "expo-exp3", "expo-egreedy");

    public string RenderHtml(RunReport report)
    {
        var d = report.Result.Details;
        var steps = Objects(d, ReportDetailKeys.Steps);
        var h = new HtmlBuilder();
        if (steps.Count == 0)
        {
            SectionKit.Note(h, "The run recorded no agent steps.");
            return h.ToString();
        }

        var baselines = Objects(d, ReportDetailKeys.Baselines);
        h.Element("p", Summary(steps), ("class", "lead"));
        h.Open("div", ("class", "grid2"));
        h.Open("div", ("id", "expo-regret"));
        SectionKit.Figure(h, SvgChart.Line(Curves(steps, baselines, "cumulative_regret"),
            new SvgChartOptions { Id = "expo-regret-chart", Title = "Cumulative regret", XLabel = "step", YLabel = "cumulative regret", Width = 540, Height = 280 }),
            "Cumulative regret (lower is better).");
        h.Close("div");
        h.Open("div", ("id", "expo-best"));
        SectionKit.Figure(h, SvgChart.Line(Curves(steps, baselines, "best_value"),
            new SvgChartOptions { Id = "expo-best-chart", Title = "Best value so far", XLabel = "step", YLabel = "best value", Width = 540, Height = 280 }),
            "Best objective value found so far.");
        h.Close("div");
        h.Close("div");

        var arms = TopArms(steps);
        h.Open("div", ("id", "expo-arms"));
        h.Element("h3", "Arm probabilities over time");
        if (arms.Count == 0)
        {
            SectionKit.Note(h, "The steps carry no arm probabilities.");
        }
        else
        {
            var series = arms.Select(a => new ChartSeries("arm " + a, steps.Select(s => new ChartPoint(Num(s, "step") ?? 0, Prob(s, a))).ToList()) { Markers = false }).ToList();
            SectionKit.Figure(h, SvgChart.Line(series, new SvgChartOptions { Id = "expo-arms-chart", Title = "Arm probabilities", XLabel = "step", YLabel = "probability", YMin = 0, Height = 280 }),
                $"Sampling probability of the {arms.Count} arms that were ever most likely; a gap means the arm was outside the recorded top list at that step.");
        }

        ArmTable(h, steps, Objects(d, ReportDetailKeys.Arms));
        h.Close("div");
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var d = report.Result.Details;
        var steps = Objects(d, ReportDetailKeys.Steps);
        if (steps.Count == 0)
        {
            return Md.Note("The run recorded no agent steps.");
        }

        var sb = new StringBuilder(Summary(steps)).Append("\n\n");
        var idx = Enumerable.Range(0, Math.Min(12, steps.Count)).Select(i => steps.Count <= 12 ? i : (int)Math.Round(i * (steps.Count - 1) / 11.0)).Distinct();
        sb.Append(Md.Table(["step", "arm", "reward", "cumulative regret", "best value", "top arm (p)"],
            idx.Select(i => steps[i]).Select(s => (IReadOnlyList<string>)[
                Fmt.Num(Num(s, "step") ?? 0), Md.Escape(Str(s, "arm")), Fmt.Score(Num(s, "reward")), Fmt.Score(Num(s, "cumulative_regret")), Fmt.Score(Num(s, "best_value")),
                Objects(s, "top_probs") is { Count: > 0 } tp && tp[0] is { } t ? $"{Md.Escape(Str(t, "arm"))} ({Fmt.F(Num(t, "p") ?? 0, 2)})" : "\u2014"]),
            [true, false, true, true, true, false]));
        return sb.ToString();
    }

    private static string Summary(IReadOnlyList<JsonObject> steps)
    {
        var last = steps[^1];
        var rewards = steps.Select(s => Num(s, "reward")).Where(r => r is not null).Select(r => r!.Value).ToList();
        return $"{steps.Count} agent steps; final cumulative regret {Fmt.Score(Num(last, "cumulative_regret"))}, best value {Fmt.Score(Num(last, "best_value"))}, mean reward {(rewards.Count == 0 ? "\u2014" : Fmt.Score(rewards.Average()))}.";
    }

    private static List<ChartSeries> Curves(IReadOnlyList<JsonObject> steps, IReadOnlyList<JsonObject> baselines, string key)
    {
        var list = new List<ChartSeries> { new("this run", steps.Select(s => new ChartPoint(Num(s, "step") ?? 0, Num(s, key))).ToList()) { Color = SvgChart.Palette[0] } };
        int i = 1;
        foreach (var b in baselines)
        {
            list.Add(new ChartSeries(Str(b, "name") ?? "baseline", Objects(b, "steps").Select(s => new ChartPoint(Num(s, "step") ?? 0, Num(s, key))).ToList())
            {
                Dashed = true,
                Color = SvgChart.Palette[i++ % SvgChart.Palette.Count],
            });
        }

        return list;
    }

    private static double? Prob(JsonObject step, string arm) =>
        Objects(step, "top_probs").Where(t => Str(t, "arm") == arm).Select(t => Num(t, "p")).FirstOrDefault();

    /// <summary>The arms with the highest peak probability (ties: first seen), at most <see cref="ChartArms"/>.</summary>
    private static List<string> TopArms(IReadOnlyList<JsonObject> steps)
    {
        var peak = new Dictionary<string, (double P, int First)>(StringComparer.Ordinal);
        int order = 0;
        foreach (var t in steps.SelectMany(s => Objects(s, "top_probs")))
        {
            if (Str(t, "arm") is { } a && Num(t, "p") is { } p)
            {
                peak[a] = peak.TryGetValue(a, out var v) ? (Math.Max(v.P, p), v.First) : (p, order++);
            }
        }

        return peak.OrderByDescending(kv => kv.Value.P).ThenBy(kv => kv.Value.First).Take(ChartArms).Select(kv => kv.Key).ToList();
    }

    private static void ArmTable(HtmlBuilder h, IReadOnlyList<JsonObject> steps, IReadOnlyList<JsonObject> arms)
    {
        var pulls = steps.Select(s => Str(s, "arm")).Where(a => a is not null).GroupBy(a => a!, StringComparer.Ordinal)
            .Select(g => (Arm: g.Key, Count: g.Count())).ToList();
        if (pulls.Count == 0)
        {
            return;
        }

        var info = arms.Where(a => Str(a, "arm") is not null).GroupBy(a => Str(a, "arm")!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var final = steps[^1];
        h.Element("h3", "Arms pulled");
        h.Open("div", ("class", "table-wrap")).Open("table", ("id", "expo-arms-table"));
        SectionKit.HeaderRow(h, ("Arm", false), ("Pulls", true), ("Final p", true), ("Task description", false), ("Meta-instruction", false));
        h.Open("tbody");
        foreach (var (arm, count) in pulls.OrderByDescending(p => p.Count).ThenBy(p => p.Arm, StringComparer.Ordinal))
        {
            info.TryGetValue(arm, out var a);
            h.Open("tr").Open("td").Element("code", arm).Close("td");
            SectionKit.Num(h, Fmt.Int(count));
            SectionKit.Num(h, Prob(final, arm) is { } p ? Fmt.F(p, 3) : "\u2014");
            h.Element("td", Fmt.Excerpt(Str(a, "description"), 160), ("title", Str(a, "description")));
            h.Element("td", Fmt.Excerpt(Str(a, "instruction"), 160), ("title", Str(a, "instruction")));
            h.Close("tr");
        }

        h.Close("tbody").Close("table").Close("div");
    }
}
