using System.Text;
using PromptOpt.Evaluation;

namespace PromptOpt.Reporting.Sections;

/// <summary>The worst per-example results of the best prompt: input excerpt, expected answer, model answer.</summary>
internal sealed class FailuresSection : IReportSection
{
    /// <summary>The characters of the input shown in the table.</summary>
    internal const int InputExcerpt = 400;

    public string Id => "failures";

    public string Title => "Worst failures";

    public bool AppliesTo(string method) => true;

    public string RenderHtml(RunReport report)
    {
        var h = new HtmlBuilder();
        if (report.Failures is null)
        {
            SectionKit.Note(h, "No per-example results were attached to this report.");
            return h.ToString();
        }

        var worst = Worst(report);
        int failed = report.Failures.Count(f => f.IsFailure);
        if (worst.Count == 0)
        {
            SectionKit.Note(h, $"The best prompt answered all {Fmt.Int(report.Failures.Count)} attached examples correctly.");
            return h.ToString();
        }

        h.Element("p", $"{Fmt.Int(failed)} of {Fmt.Int(report.Failures.Count)} examples failed; the {worst.Count} lowest-scoring are shown (errors first).", ("class", "lead"));
        h.Open("div", ("class", "table-wrap"));
        h.Open("table", ("id", "failure-table"));
        SectionKit.HeaderRow(h, ("Example", false), ("Input", false), ("Expected", false), ("Model answer", false), ("Score", true));
        h.Open("tbody");
        foreach (var f in worst)
        {
            h.Open("tr", ("class", "failure"), ("data-example", f.Example.Id));
            h.Open("td", ("class", "id")).Element("code", f.Example.Id).Close("td");
            h.Open("td").Element("pre", Excerpt(f.Example.Input, InputExcerpt), ("class", "input")).Close("td");
            h.Open("td").Element("code", f.Example.Target, ("class", "expected")).Close("td");
            h.Open("td");
            if (f.Error is not null)
            {
                h.Element("span", "error", ("class", "badge error")).Text(" " + f.Error);
            }
            else
            {
                h.Element("code", f.Prediction ?? "(no answer parsed)", ("class", "answer"));
                if (!string.IsNullOrEmpty(f.Response) && f.Response != f.Prediction)
                {
                    h.Open("details").Element("summary", "full response").Element("pre", f.Response).Close("details");
                }

                if (!string.IsNullOrEmpty(f.Feedback))
                {
                    h.Element("div", f.Feedback, ("class", "note"));
                }
            }

            h.Close("td");
            SectionKit.Num(h, Fmt.Score(f.Score));
            h.Close("tr");
        }

        h.Close("tbody").Close("table").Close("div");
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        if (report.Failures is null)
        {
            return Md.Note("No per-example results were attached to this report.");
        }

        var worst = Worst(report);
        if (worst.Count == 0)
        {
            return Md.Note($"The best prompt answered all {Fmt.Int(report.Failures.Count)} attached examples correctly.");
        }

        var sb = new StringBuilder();
        sb.Append(Fmt.Int(report.Failures.Count(f => f.IsFailure))).Append(" of ").Append(Fmt.Int(report.Failures.Count)).Append(" examples failed; the worst:\n\n");
        sb.Append(Md.Table(
            ["example", "input", "expected", "model answer", "score"],
            worst.Select(f => (IReadOnlyList<string>)[
                Md.Escape(f.Example.Id),
                Md.Escape(Excerpt(f.Example.Input, 160)),
                Md.Escape(f.Example.Target),
                f.Error is not null ? "error: " + Md.Escape(Excerpt(f.Error, 120)) : Md.Escape(Excerpt(f.Prediction ?? f.Response ?? string.Empty, 120)),
                Fmt.Score(f.Score)]),
            [false, false, false, false, true]));
        return sb.ToString();
    }

    /// <summary>The failures to show: errors first, then by score ascending, ties in input order.</summary>
    internal static List<ExampleResult> Worst(RunReport report) =>
        (report.Failures ?? []).Where(f => f.IsFailure)
            .OrderBy(f => f.Error is null ? 1 : 0)
            .ThenBy(f => f.Score)
            .Take(Math.Max(0, report.MaxFailures))
            .ToList();

    private static string Excerpt(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "\u2026";
}
