using System.Globalization;
using System.Text;
using PromptOpt.Prompts;
using static PromptOpt.Reporting.DetailsReader;

namespace PromptOpt.Reporting.Sections;

/// <summary>MIPRO: the trial table, the full evaluations, and which instruction and demo set won.</summary>
internal sealed class MiproSection : IReportSection
{
    public string Id => "mipro";

    public string Title => "MIPRO: trials and the winning instruction and demos";

    public bool AppliesTo(string method) => ReportSections.MethodIs(method, "mipro", "miprov2");

    public string RenderHtml(RunReport report)
    {
        var d = report.Result.Details;
        var h = new HtmlBuilder();
        var best = d["best"];
        var instructions = Objects(d, "instructions");
        var sets = Objects(d, "demo_sets");
        if (best is not null)
        {
            int i = (int)(Num(best, "instruction") ?? 0), j = (int)(Num(best, "demo_set") ?? 0);
            h.Element("p", $"Winner: instruction {i} ({(i < instructions.Count ? Str(instructions[i], "tip") : "?")} tip) with demo set {j} ({(j < sets.Count ? Str(sets[j], "kind") : "?")}), {Fmt.Score(Num(best, "score"))} on the dev set.", ("id", "mipro-winner"));
        }

        if (Str(d, "summary") is { Length: > 0 } summary)
        {
            h.Element("h3", "Data summary").Element("pre", summary);
        }

        h.Element("h3", "Trials");
        h.Open("div", ("class", "table-wrap")).Open("table", ("id", "mipro-trials"));
        SectionKit.HeaderRow(h, ("Trial", true), ("Instruction", true), ("Demo set", true), ("Score", true), ("Examples", true));
        h.Open("tbody");
        foreach (var t in Objects(d, "trials"))
        {
            h.Open("tr");
            foreach (var key in new[] { "trial", "instruction", "demo_set" })
            {
                SectionKit.Num(h, Int(Num(t, key)));
            }

            SectionKit.Num(h, Fmt.Score(Num(t, "score")));
            SectionKit.Num(h, Int(Num(t, "examples")));
            h.Close("tr");
        }

        h.Close("tbody").Close("table").Close("div");
        h.Element("h3", "Full dev-set evaluations");
        h.Open("div", ("class", "table-wrap")).Open("table", ("id", "mipro-full"));
        SectionKit.HeaderRow(h, ("After trial", true), ("Instruction", true), ("Demo set", true), ("Score", true), ("New incumbent", false));
        h.Open("tbody");
        foreach (var f in Objects(d, "full_evals"))
        {
            h.Open("tr");
            SectionKit.Num(h, Int(Num(f, "after_trial")));
            SectionKit.Num(h, Int(Num(f, "instruction")));
            SectionKit.Num(h, Int(Num(f, "demo_set")));
            SectionKit.Num(h, Fmt.Score(Num(f, "score")));
            h.Element("td", Bool(f, "incumbent") == true ? "yes" : string.Empty);
            h.Close("tr");
        }

        h.Close("tbody").Close("table").Close("div");
        h.Element("h3", "Instruction candidates");
        h.Open("ol", ("start", "0"), ("id", "mipro-instructions"));
        foreach (var i in instructions)
        {
            h.Open("li").Text($"({Str(i, "tip")} tip) ").Element("code", Str(i, "text") ?? string.Empty).Close("li");
        }

        h.Close("ol");
        h.Element("h3", "Demo sets");
        h.Open("ol", ("start", "0"), ("id", "mipro-demo-sets"));
        foreach (var s in sets)
        {
            var demos = Objects(s, "demos").Select(x => new Demo(Str(x, "input") ?? string.Empty, Str(x, "answer") ?? string.Empty, Str(x, "rationale"))).ToList();
            h.Open("li").Text($"{Str(s, "kind")}: {demos.Count} demos");
            if (demos.Count > 0)
            {
                h.Element("pre", Demo.FormatBlock(demos));
            }

            h.Close("li");
        }

        h.Close("ol");
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var d = report.Result.Details;
        var sb = new StringBuilder();
        if (d["best"] is { } best)
        {
            sb.Append("Winner: instruction ").Append(Int(Num(best, "instruction"))).Append(", demo set ").Append(Int(Num(best, "demo_set")))
              .Append(", dev score ").Append(Fmt.Score(Num(best, "score"))).Append(".\n\n");
        }

        sb.Append(Md.Table(["Trial", "Instruction", "Demo set", "Score", "Examples"], Objects(d, "trials").Select(t => (IReadOnlyList<string>)[
            Int(Num(t, "trial")), Int(Num(t, "instruction")), Int(Num(t, "demo_set")), Fmt.Score(Num(t, "score")), Int(Num(t, "examples"))]),
            [true, true, true, true, true]));
        return sb.ToString();
    }

    private static string Int(double? v) => v is { } x ? ((long)x).ToString(CultureInfo.InvariantCulture) : string.Empty;
}
