using System.Globalization;
using System.Text;

namespace PromptOpt.Reporting.Sections;

/// <summary>Headline numbers (scores before/after, calls, cost, candidates) and the run's facts.</summary>
internal sealed class SummarySection : IReportSection
{
    public string Id => "summary";

    public string Title => "Summary";

    public bool AppliesTo(string method) => true;

    public string RenderHtml(RunReport report)
    {
        var r = report.Result;
        var total = r.Usage.Total;
        var h = new HtmlBuilder();
        h.Open("div", ("class", "cards"));
        if (r.BestTestScore is not null || r.StartTestScore is not null)
        {
            ScoreCard(h, "card-test", "Test score", r.StartTestScore, r.BestTestScore);
        }

        ScoreCard(h, "card-train", "Train score", r.StartTrainScore, r.BestTrainScore);
        int accepted = r.Candidates.Count(c => c.Accepted);
        Card(h, "card-candidates", "Candidates", Fmt.Int(r.Candidates.Count), $"{Fmt.Int(accepted)} accepted");
        var all = AllAttempts(report);
        Card(h, "card-calls", "LLM calls", Fmt.Int(total.Calls), $"{Fmt.Int(total.PaidCalls)} paid \u00b7 {Fmt.Int(total.CachedCalls)} cached"
            + (all is { } a ? $" (last attempt); all {Fmt.Int(report.Attempts.Count)} attempts: {Fmt.Int(a.Calls)}, {Fmt.Int(a.PaidCalls)} paid" : string.Empty));
        Card(h, "card-cost", "Estimated cost", Fmt.Dollars(all?.EstimatedDollars ?? total.EstimatedDollars),
            all is null ? $"{Fmt.Int(total.InputTokens + total.OutputTokens)} tokens" : $"all attempts; last attempt {Fmt.Dollars(total.EstimatedDollars)}");
        Card(h, "card-stop", "Stopped", r.StopReason, StepsText(r));
        h.Close("div");

        h.Open("table", ("class", "facts"), ("id", "run-facts")).Open("tbody");
        Fact(h, "Run id", report.RunId);
        Fact(h, "Method", report.Method);
        if (report.TaskName is { } task)
        {
            Fact(h, "Task", task);
        }

        foreach (var (role, id) in report.OrderedModels)
        {
            Fact(h, Capitalize(role) + " model", id);
        }

        Fact(h, "Seed", report.Seed.ToString(CultureInfo.InvariantCulture));
        if (report.CreatedAt is { } t)
        {
            Fact(h, "Created", ReportWriter.FormatTime(t));
        }

        Fact(h, "Stop reason", r.StopReason);
        Fact(h, "Results", report.IsSimulated ? "simulated" : "real model calls");
        h.Close("tbody").Close("table");
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var r = report.Result;
        var total = r.Usage.Total;
        var rows = new List<IReadOnlyList<string>>();
        if (r.BestTestScore is not null || r.StartTestScore is not null)
        {
            rows.Add(["Test score", Fmt.Score(r.StartTestScore), Fmt.Score(r.BestTestScore), DeltaText(r.StartTestScore, r.BestTestScore)]);
        }

        rows.Add(["Train score", Fmt.Score(r.StartTrainScore), Fmt.Score(r.BestTrainScore), DeltaText(r.StartTrainScore, r.BestTrainScore)]);
        var sb = new StringBuilder(Md.Table(["", "start", "best", "change"], rows, [false, true, true, true]));
        sb.Append('\n')
            .Append("- Candidates: ").Append(Fmt.Int(r.Candidates.Count)).Append(" (").Append(Fmt.Int(r.Candidates.Count(c => c.Accepted))).Append(" accepted)\n")
            .Append(report.TaskName is { } task ? "- Task: " + Md.Escape(task) + "\n" : string.Empty)
            .Append("- LLM calls: ").Append(Fmt.Int(total.Calls)).Append(" (").Append(Fmt.Int(total.PaidCalls)).Append(" paid, ").Append(Fmt.Int(total.CachedCalls)).Append(" cached)")
            .Append(AllAttempts(report) is { } a
                ? $" in the last attempt; all {Fmt.Int(report.Attempts.Count)} attempts: {Fmt.Int(a.Calls)} ({Fmt.Int(a.PaidCalls)} paid, {Fmt.Int(a.CachedCalls)} cached)\n"
                : "\n")
            .Append("- Estimated cost: ").Append(Fmt.Dollars(AllAttempts(report)?.EstimatedDollars ?? total.EstimatedDollars)).Append(report.Attempts.Count > 1 ? " (all attempts)" : string.Empty).Append('\n')
            .Append("- Stopped: ").Append(Md.Escape(r.StopReason)).Append(StepsText(r) is { Length: > 0 } st ? " (" + st + ")" : string.Empty).Append('\n');
        return sb.ToString();
    }

    // The usage summed over every attempt, when the run had more than one (else the result's usage says it all).
    private static Models.RoleUsage? AllAttempts(RunReport report) =>
        report.Attempts.Count > 1 ? AttemptUsage.Total(report.Attempts).Total : null;

    private static string StepsText(Optimizers.OptimizationResult r)
    {
        int steps = r.Candidates.Count == 0 ? 0 : r.Candidates.Max(c => c.Step);
        return steps switch { 0 => string.Empty, 1 => "after 1 step", _ => $"after {Fmt.Int(steps)} steps" };
    }

    private static string DeltaText(double? a, double? b) => a is { } x && b is { } y ? Fmt.Delta(y - x) : "\u2014";

    private static void ScoreCard(HtmlBuilder h, string id, string label, double? start, double? best)
    {
        h.Open("div", ("class", "card"), ("id", id));
        h.Element("div", label, ("class", "label"));
        h.Element("div", Fmt.Score(best), ("class", "value"));
        h.Open("div", ("class", "sub")).Text("from " + Fmt.Score(start) + " ");
        if (start is { } s && best is { } b)
        {
            SectionKit.Delta(h, b - s);
        }

        h.Close("div");
        h.Close("div");
    }

    private static void Card(HtmlBuilder h, string id, string label, string value, string sub)
    {
        h.Open("div", ("class", "card"), ("id", id));
        h.Element("div", label, ("class", "label"));
        h.Element("div", value, ("class", "value"));
        h.Element("div", sub, ("class", "sub"));
        h.Close("div");
    }

    private static void Fact(HtmlBuilder h, string name, string value) =>
        h.Open("tr").Element("th", name).Open("td").Element("code", value).Close("td").Close("tr");

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
