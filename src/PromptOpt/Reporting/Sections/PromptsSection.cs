using System.Text;
using PromptOpt.Prompts;

namespace PromptOpt.Reporting.Sections;

/// <summary>The best prompt against the starting prompt, as a word-level diff of each part, plus both full texts.</summary>
internal sealed class PromptsSection : IReportSection
{
    public string Id => "prompts";

    public string Title => "Best prompt vs starting prompt";

    public bool AppliesTo(string method) => true;

    public string RenderHtml(RunReport report)
    {
        var (start, best) = (report.Result.StartPrompt, report.Result.BestPrompt);
        var h = new HtmlBuilder();
        if (start == best)
        {
            SectionKit.Note(h, "No candidate beat the starting prompt: the best prompt is the starting prompt.", "prompts-unchanged");
        }
        else
        {
            h.Open("p", ("class", "legend-inline")).Text("Word-level changes from the starting prompt: ").Element("del", "removed").Text(" ").Element("ins", "added").Close("p");
        }

        foreach (var (part, old, now) in Parts(start, best))
        {
            h.Element("h3", Heading(part));
            h.Open("div", ("class", "prompt diff"), ("id", "diff-" + part.ToLowerInvariant()));
            WordDiff.WriteHtml(h, WordDiff.Diff(old, now));
            h.Close("div");
        }

        h.Open("div", ("class", "grid2"));
        FullText(h, "Starting prompt", "start-prompt", start);
        FullText(h, "Best prompt", "best-prompt", best);
        h.Close("div");
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var (start, best) = (report.Result.StartPrompt, report.Result.BestPrompt);
        var sb = new StringBuilder();
        if (start == best)
        {
            sb.Append(Md.Note("No candidate beat the starting prompt: the best prompt is the starting prompt.")).Append('\n');
        }

        sb.Append("Best prompt:\n\n").Append(Md.Fence(best.DisplayText)).Append('\n');
        if (start != best)
        {
            sb.Append("Changes from the starting prompt (`[-removed-]` `{+added+}`):\n\n");
            foreach (var (part, old, now) in Parts(start, best))
            {
                sb.Append("**").Append(Heading(part)).Append("**\n\n").Append(Md.Fence(WordDiff.ToPlain(WordDiff.Diff(old, now)))).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string Heading(string part) => part == "Demos" ? "Demonstrations" : part + " prompt";

    private static IEnumerable<(string Part, string Old, string New)> Parts(Prompt start, Prompt best)
    {
        if (!string.IsNullOrEmpty(start.System) || !string.IsNullOrEmpty(best.System))
        {
            yield return ("System", start.System ?? string.Empty, best.System ?? string.Empty);
        }

        yield return ("User", start.User, best.User);
        if (start.HasDemos || best.HasDemos)
        {
            yield return ("Demos", Demo.FormatBlock(start.Demos), Demo.FormatBlock(best.Demos));
        }
    }

    private static void FullText(HtmlBuilder h, string label, string id, Prompt p)
    {
        h.Open("details", ("id", id));
        h.Element("summary", label + " (full text)");
        h.Element("pre", p.DisplayText);
        h.Close("details");
    }
}
