using System.Globalization;
using System.Text;
using PromptOpt.Models;

namespace PromptOpt.Reporting.Sections;

/// <summary>Usage per role: paid versus cached calls, tokens, retries and the estimated cost.</summary>
internal sealed class UsageSection : IReportSection
{
    public string Id => "usage";

    public string Title => "Usage and cost";

    public bool AppliesTo(string method) => true;

    public string RenderHtml(RunReport report)
    {
        var usage = report.Result.Usage;
        var roles = Roles(usage);
        var h = new HtmlBuilder();
        if (roles.Count == 0)
        {
            SectionKit.Note(h, "The run made no LLM calls.");
            return h.ToString();
        }

        h.Open("div", ("class", "table-wrap"));
        h.Open("table", ("id", "usage-table"));
        SectionKit.HeaderRow(h, ("Role", false), ("Calls", true), ("Paid", true), ("Cached", true), ("Cache hit rate", true), ("Input tokens", true), ("Output tokens", true), ("Retries", true), ("Est. cost", true));
        h.Open("tbody");
        foreach (var role in roles)
        {
            Row(h, role, usage.For(role), null);
        }

        Row(h, "total", usage.Total, "total");
        h.Close("tbody").Close("table").Close("div");
        if (report.Result.Usage.ByRole.ContainsKey(ModelRoles.Test))
        {
            SectionKit.Note(h, "Test calls score the held-out set for this report; they are not charged to the optimization budget.");
        }

        if (report.Attempts.Count > 1)
        {
            SectionKit.Note(h, "The table above is the last attempt's usage. Every attempt at this run (the first run and each resume):");
            h.Open("div", ("class", "table-wrap"));
            h.Open("table", ("id", "attempts-table"));
            SectionKit.HeaderRow(h, ("Attempt", false), ("Started", false), ("Status", false), ("Calls", true), ("Paid", true), ("Cached", true), ("Retries", true), ("Est. cost", true));
            h.Open("tbody");
            foreach (var a in report.Attempts)
            {
                AttemptRow(h, a.Attempt.ToString(CultureInfo.InvariantCulture), ReportWriter.FormatTime(a.StartedAt), a.Status.ToString().ToLowerInvariant(), a.Usage?.Total, null);
            }

            AttemptRow(h, "all attempts", string.Empty, string.Empty, AttemptUsage.Total(report.Attempts).Total, "total");
            h.Close("tbody").Close("table").Close("div");
        }

        h.Open("div", ("class", "grid2"));
        var calls = SvgChart.Bar(roles, [
            new BarSeries("paid", roles.Select(r => (double?)usage.For(r).PaidCalls).ToList()),
            new BarSeries("cached", roles.Select(r => (double?)usage.For(r).CachedCalls).ToList()) { Color = "#94a3b8" },
        ], new SvgChartOptions { Id = "usage-calls-chart", Title = "Calls per role", YLabel = "calls", Width = 520, Height = 260, Decimals = 0 });
        SectionKit.Figure(h, calls, "Calls per role: paid (reached the provider) vs answered from the cache.");
        var tokens = SvgChart.Bar(roles, [
            new BarSeries("input", roles.Select(r => (double?)usage.For(r).InputTokens).ToList()) { Color = "#0891b2" },
            new BarSeries("output", roles.Select(r => (double?)usage.For(r).OutputTokens).ToList()) { Color = "#9333ea" },
        ], new SvgChartOptions { Id = "usage-tokens-chart", Title = "Tokens per role", YLabel = "tokens", Width = 520, Height = 260, Decimals = 0 });
        SectionKit.Figure(h, tokens, "Tokens per role (cached calls carry their original usage).");
        h.Close("div");
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var usage = report.Result.Usage;
        var roles = Roles(usage);
        if (roles.Count == 0)
        {
            return Md.Note("The run made no LLM calls.");
        }

        var rows = roles.Select(r => Cells(r, usage.For(r))).Append(Cells("**total**", usage.Total));
        var sb = new StringBuilder(Md.Table(["role", "calls", "paid", "cached", "input tokens", "output tokens", "retries", "est. cost"], rows,
            [false, true, true, true, true, true, true, true]));
        if (report.Attempts.Count > 1)
        {
            sb.Append('\n').Append(Md.Note("The table above is the last attempt's usage. Every attempt at this run:")).Append('\n');
            var attemptRows = report.Attempts.Select(a => AttemptCells(a.Attempt.ToString(CultureInfo.InvariantCulture), a.Status.ToString().ToLowerInvariant(), a.Usage?.Total))
                .Append(AttemptCells("**all attempts**", string.Empty, AttemptUsage.Total(report.Attempts).Total));
            sb.Append(Md.Table(["attempt", "status", "calls", "paid", "cached", "retries", "est. cost"], attemptRows, [false, false, true, true, true, true, true]));
        }

        return sb.ToString();
    }

    /// <summary>The roles in display order: task, optimizer, agent, test, then others by name.</summary>
    internal static List<string> Roles(UsageSnapshot usage) =>
        usage.ByRole.Keys
            .OrderBy(k => Array.IndexOf(RunReport.RoleOrder, k) is var i && i >= 0 ? i : RunReport.RoleOrder.Length)
            .ThenBy(k => k, StringComparer.Ordinal).ToList();

    private static IReadOnlyList<string> Cells(string role, RoleUsage u) =>
        [role, Fmt.Int(u.Calls), Fmt.Int(u.PaidCalls), Fmt.Int(u.CachedCalls), Fmt.Int(u.InputTokens), Fmt.Int(u.OutputTokens), Fmt.Int(u.Retries), Fmt.Dollars(u.EstimatedDollars)];

    private static IReadOnlyList<string> AttemptCells(string attempt, string status, RoleUsage? u) =>
        u is null
            ? [attempt, status, "\u2014", "\u2014", "\u2014", "\u2014", "\u2014"]
            : [attempt, status, Fmt.Int(u.Calls), Fmt.Int(u.PaidCalls), Fmt.Int(u.CachedCalls), Fmt.Int(u.Retries), Fmt.Dollars(u.EstimatedDollars)];

    private static void AttemptRow(HtmlBuilder h, string attempt, string started, string status, RoleUsage? u, string? cssClass)
    {
        h.Open("tr", ("class", cssClass));
        h.Element("td", attempt);
        h.Element("td", started);
        h.Element("td", status);
        foreach (var cell in AttemptCells(attempt, status, u).Skip(2))
        {
            SectionKit.Num(h, cell);
        }

        h.Close("tr");
    }

    private static void Row(HtmlBuilder h, string role, RoleUsage u, string? cssClass)
    {
        h.Open("tr", ("class", cssClass), ("data-role", role));
        h.Element("td", role);
        SectionKit.Num(h, Fmt.Int(u.Calls));
        SectionKit.Num(h, Fmt.Int(u.PaidCalls));
        SectionKit.Num(h, Fmt.Int(u.CachedCalls));
        SectionKit.Num(h, u.Calls == 0 ? "\u2014" : Fmt.Percent((double)u.CachedCalls / u.Calls));
        SectionKit.Num(h, Fmt.Int(u.InputTokens), "paid: " + Fmt.Int(u.PaidInputTokens));
        SectionKit.Num(h, Fmt.Int(u.OutputTokens), "paid: " + Fmt.Int(u.PaidOutputTokens));
        SectionKit.Num(h, Fmt.Int(u.Retries));
        SectionKit.Num(h, Fmt.Dollars(u.EstimatedDollars));
        h.Close("tr");
    }
}
