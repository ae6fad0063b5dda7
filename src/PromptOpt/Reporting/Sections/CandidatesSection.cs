using System.Globalization;
using System.Text;
using PromptOpt.Optimizers;

namespace PromptOpt.Reporting.Sections;

/// <summary>The candidate lineage as a tree-ordered table: id, parent, step, operation, score, accepted or rejected.</summary>
internal sealed class CandidatesSection : IReportSection
{
    /// <summary>Rows shown in Markdown (accepted candidates first); the HTML shows all.</summary>
    internal const int MarkdownRows = 40;

    public string Id => "candidates";

    public string Title => "Candidate lineage";

    public bool AppliesTo(string method) => true;

    public string RenderHtml(RunReport report)
    {
        var r = report.Result;
        var h = new HtmlBuilder();
        if (r.Candidates.Count == 0)
        {
            SectionKit.Note(h, "The run recorded no candidates.");
            return h.ToString();
        }

        int accepted = r.Candidates.Count(c => c.Accepted);
        var rows = TreeOrder(r.Candidates);
        int bestId = BestId(r);
        h.Element("p", $"{Fmt.Int(r.Candidates.Count)} candidates, {Fmt.Int(accepted)} accepted ({Fmt.Percent((double)accepted / r.Candidates.Count)}), lineage depth {rows.Max(x => x.Depth)}. Rows are in tree order: each candidate under its parent.", ("class", "lead"));
        double max = Math.Max(1.0, r.Candidates.Max(c => c.TrainScore ?? 0));
        h.Open("div", ("class", "table-wrap"));
        h.Open("table", ("id", "lineage"));
        SectionKit.HeaderRow(h, ("Candidate", false), ("Parent", true), ("Step", true), ("Operation", false), ("Train score", true), ("Status", false), ("Prompt", false));
        h.Open("tbody");
        foreach (var (c, depth, prefix) in rows)
        {
            h.Open("tr", ("id", "candidate-" + c.Id.ToString(CultureInfo.InvariantCulture)), ("class", c.Id == bestId ? "best" : null),
                ("data-parent", c.ParentId?.ToString(CultureInfo.InvariantCulture)), ("data-status", c.Accepted ? "accepted" : "rejected"));
            h.Open("td").Element("span", prefix, ("class", "tree")).Text("#" + c.Id.ToString(CultureInfo.InvariantCulture)).Close("td");
            SectionKit.Num(h, c.ParentId is { } p ? "#" + p.ToString(CultureInfo.InvariantCulture) : "\u2014");
            SectionKit.Num(h, c.Step.ToString(CultureInfo.InvariantCulture));
            h.Open("td").Element("code", c.Operation).Close("td");
            h.Open("td", ("class", "num"));
            SectionKit.ScoreWithBar(h, c.TrainScore, max);
            h.Close("td");
            h.Open("td");
            h.Element("span", c.Accepted ? "accepted" : "rejected", ("class", "badge " + (c.Accepted ? "accepted" : "rejected")));
            if (c.Id == bestId)
            {
                h.Text(" ").Element("span", "best", ("class", "badge best"));
            }

            if (!string.IsNullOrEmpty(c.Note))
            {
                h.Element("div", c.Note, ("class", "note"));
            }

            h.Close("td");
            h.Open("td").Open("details");
            h.Element("summary", Fmt.Excerpt(c.Prompt.Instruction.Length > 0 ? c.Prompt.Instruction : c.Prompt.FullText, 70));
            h.Element("pre", c.Prompt.DisplayText);
            h.Close("details").Close("td");
            h.Close("tr");
        }

        h.Close("tbody").Close("table").Close("div");
        return h.ToString();
    }

    public string RenderMarkdown(RunReport report)
    {
        var r = report.Result;
        if (r.Candidates.Count == 0)
        {
            return Md.Note("The run recorded no candidates.");
        }

        int bestId = BestId(r);
        var rows = TreeOrder(r.Candidates);
        var shown = rows.Count <= MarkdownRows
            ? rows
            : rows.Where(x => x.Candidate.Accepted || x.Candidate.Id == bestId).Take(MarkdownRows).ToList();
        var sb = new StringBuilder();
        sb.Append(Fmt.Int(r.Candidates.Count)).Append(" candidates, ").Append(Fmt.Int(r.Candidates.Count(c => c.Accepted))).Append(" accepted.\n\n");
        sb.Append(Md.Table(
            ["candidate", "parent", "step", "operation", "train score", "status"],
            shown.Select(x => (IReadOnlyList<string>)[
                x.Prefix.Replace(' ', '\u00a0') + "#" + x.Candidate.Id.ToString(CultureInfo.InvariantCulture),
                x.Candidate.ParentId is { } p ? "#" + p.ToString(CultureInfo.InvariantCulture) : "\u2014",
                x.Candidate.Step.ToString(CultureInfo.InvariantCulture),
                Md.Escape(x.Candidate.Operation),
                Fmt.Score(x.Candidate.TrainScore),
                (x.Candidate.Accepted ? "accepted" : "rejected") + (x.Candidate.Id == bestId ? " (best)" : string.Empty)]),
            [false, true, true, false, true, false]));
        if (shown.Count < rows.Count)
        {
            sb.Append('\n').Append(Md.Note($"{shown.Count} of {rows.Count} candidates shown (accepted ones); the HTML report lists all."));
        }

        return sb.ToString();
    }

    /// <summary>The id of the best candidate: the highest-scoring one whose prompt is the best prompt (else -1).</summary>
    internal static int BestId(OptimizationResult r) =>
        r.Candidates.Where(c => c.Prompt == r.BestPrompt).OrderByDescending(c => c.TrainScore ?? double.MinValue).ThenBy(c => c.Id).Select(c => c.Id).DefaultIfEmpty(-1).First();

    /// <summary>Depth-first order from the roots (candidates without a known parent), children by id, with tree-drawing prefixes.</summary>
    internal static List<(CandidateRecord Candidate, int Depth, string Prefix)> TreeOrder(IReadOnlyList<CandidateRecord> candidates)
    {
        var byId = new Dictionary<int, CandidateRecord>();
        foreach (var c in candidates)
        {
            byId.TryAdd(c.Id, c);
        }

        var children = byId.Values
            .Where(c => c.ParentId is { } p && p != c.Id && byId.ContainsKey(p))
            .GroupBy(c => c.ParentId!.Value)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.Id).ToList());
        var roots = byId.Values.Where(c => c.ParentId is not { } p || p == c.Id || !byId.ContainsKey(p)).OrderBy(c => c.Id).ToList();
        var result = new List<(CandidateRecord, int, string)>(byId.Count);
        var seen = new HashSet<int>();

        void Visit(CandidateRecord c, int depth, string indent, bool last, bool root)
        {
            if (!seen.Add(c.Id))
            {
                return;
            }

            result.Add((c, depth, root ? string.Empty : indent + (last ? "\u2514\u2500 " : "\u251c\u2500 ")));
            if (children.TryGetValue(c.Id, out var kids))
            {
                string childIndent = root ? string.Empty : indent + (last ? "   " : "\u2502  ");
                for (int i = 0; i < kids.Count; i++)
                {
                    Visit(kids[i], depth + 1, childIndent, i == kids.Count - 1, false);
                }
            }
        }

        foreach (var r in roots)
        {
            Visit(r, 0, string.Empty, true, true);
        }

        // Candidates on a parent cycle are never reached from a root: list them flat at the end.
        foreach (var c in byId.Values.OrderBy(c => c.Id).Where(c => !seen.Contains(c.Id)))
        {
            Visit(c, 0, string.Empty, true, true);
        }

        return result;
    }
}
