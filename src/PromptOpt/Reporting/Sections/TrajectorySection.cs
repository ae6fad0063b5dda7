using System.Text;
using PromptOpt.Optimizers;

namespace PromptOpt.Reporting.Sections;

/// <summary>The score-versus-calls trajectory: best training score so far and test score of the incumbent.</summary>
internal sealed class TrajectorySection : IReportSection
{
    public string Id => "trajectory";

    public string Title => "Score vs LLM calls";

    public bool AppliesTo(string method) => true;

    public string RenderHtml(RunReport report)
    {
        var h = new HtmlBuilder();
        var series = Series(report.Result);
        if (series.Count == 0)
        {
            SectionKit.Note(h, "The run recorded no trajectory.");
            return h.ToString();
        }

        var measure = DecisionMeasure(report.Result);
        var svg = SvgChart.Line(series, new SvgChartOptions
        {
            Id = "trajectory-chart",
            Title = measure is null ? "Score vs LLM calls" : $"{Capitalize(measure)} vs LLM calls",
            XLabel = "LLM calls (all roles)",
            YLabel = measure ?? "score",
        });
        SectionKit.Figure(h, svg, measure is null
            ? "Train: best score on the optimizer's evaluation set so far. Test: held-out score of the incumbent where it was measured."
            : $"The agent's {measure} after each step, against the LLM calls used so far.");
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var t = report.Result.Trajectory;
        if (t.Count == 0)
        {
            return Md.Note("The run recorded no trajectory.");
        }

        // At most 12 rows: evenly spaced points, always including the first and the last.
        var idx = Enumerable.Range(0, Math.Min(12, t.Count)).Select(i => t.Count <= 12 ? i : (int)Math.Round(i * (t.Count - 1) / 11.0)).Distinct();
        var sb = new StringBuilder(Md.Table(
            ["LLM calls", DecisionMeasure(report.Result) ?? "best train score", "test score"],
            idx.Select(i => (IReadOnlyList<string>)[Fmt.Int(t[i].Calls), Fmt.Score(t[i].BestTrainScore), Fmt.Score(t[i].TestScore)]),
            [true, true, true]));
        if (t.Count > 12)
        {
            sb.Append('\n').Append(Md.Note($"{t.Count} points in total; 12 shown."));
        }

        return sb.ToString();
    }

    /// <summary>
    /// What an EXPO run's trajectory holds (its headline measure: cumulative regret for bandits, else the best value, e.g.
    /// <c>best loss</c>), or <see langword="null"/> for a prompt method, whose trajectory is the best train score.
    /// </summary>
    internal static string? DecisionMeasure(OptimizationResult r)
    {
        if (r.Details["environment"] is not System.Text.Json.Nodes.JsonObject env)
        {
            return null;
        }

        var kind = env["kind"] is System.Text.Json.Nodes.JsonValue k && k.TryGetValue<string>(out var kv) ? kv : null;
        var best = env["best_value_name"] is System.Text.Json.Nodes.JsonValue b && b.TryGetValue<string>(out var bv) ? bv.Replace('_', ' ') : "best value";
        return kind == "bandit" ? "cumulative regret" : best;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    internal static List<ChartSeries> Series(OptimizationResult r)
    {
        var t = r.Trajectory;
        var list = new List<ChartSeries>();
        if (t.Count == 0)
        {
            return list;
        }

        list.Add(new ChartSeries(DecisionMeasure(r) ?? "train (best so far)", t.Select(p => new ChartPoint(p.Calls, p.BestTrainScore)).ToList()));
        var test = t.Where(p => p.TestScore is not null).Select(p => new ChartPoint(p.Calls, p.TestScore)).ToList();
        if (test.Count > 0)
        {
            list.Add(new ChartSeries("test (incumbent)", test) { Markers = true });
        }
        else if (r.StartTestScore is not null || r.BestTestScore is not null)
        {
            // Only the final scores were measured: show start and end as a dashed line between two markers.
            var ends = new List<ChartPoint> { new(t[0].Calls, r.StartTestScore), new(t[^1].Calls, r.BestTestScore) };
            list.Add(new ChartSeries("test (start \u2192 best)", ends) { Dashed = true, Markers = true });
        }

        return list;
    }
}
