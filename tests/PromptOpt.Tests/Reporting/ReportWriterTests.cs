using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using PromptOpt.Reporting;

namespace PromptOpt.Tests.Reporting;

public class ReportWriterTests
{
    private static readonly string[] CoreSections = ["summary", "prompts", "trajectory", "candidates", "failures", "usage", "spec"];

    [Fact]
    public void WriteHtml_DualPhaseRun_HasEveryCoreSectionAndOnlyItsMethodSection()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase()));

        var sectionIds = doc.All("section").Select(s => (string?)s.Attribute("id")).ToList();
        Assert.Equal(["summary", "prompts", "trajectory", "dual-phase", "candidates", "failures", "usage", "spec"], sectionIds);
        foreach (var id in sectionIds)
        {
            Assert.NotEmpty(doc.ById(id!).All("h2").Single().Value);
        }

        var toc = doc.All("nav").Single().All("a").Select(a => (string?)a.Attribute("href")).ToList();
        Assert.Equal(sectionIds.Select(id => "#" + id), toc);
    }

    [Fact]
    public void WriteHtml_SimulatorModel_ShowsBannerAndRunFacts()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase()));

        Assert.StartsWith("SIMULATED RESULTS", doc.ById("simulated-banner").Value, StringComparison.Ordinal);
        Assert.Equal("dual-phase", doc.ById("method").Value);
        Assert.Equal("seed 42", doc.ById("seed").Value);
        Assert.Equal("created 2025-06-01 09:30:00 UTC", doc.ById("created").Value);
        var facts = doc.ById("run-facts").All("tr").ToDictionary(r => r.All("th").Single().Value, r => r.All("td").Single().Value);
        Assert.Equal("run-dp-1", facts["Run id"]);
        Assert.Equal("sim:small", facts["Task model"]);
        Assert.Equal("42", facts["Seed"]);
        Assert.Equal("0.660", doc.ById("card-test").WithClass("value").Single().Value);
        Assert.Contains("+0.210", doc.ById("card-test").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_RealModel_HasNoBanner()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.MetaSpo()));

        Assert.DoesNotContain(doc.Descendants(), e => (string?)e.Attribute("id") == "simulated-banner");
    }

    [Fact]
    public void WriteHtml_SimulatedFlag_ShowsBannerForRealModelIds()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.MetaSpo() with { Simulated = true }));

        Assert.Contains("SIMULATED", doc.ById("simulated-banner").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_HostileText_IsEscapedNeverMarkup()
    {
        var html = ReportWriter.WriteHtml(ReportFixtures.DualPhase());
        var doc = ReportFixtures.Parse(html);

        Assert.Empty(doc.All("script"));
        Assert.Empty(doc.All("b"));
        Assert.Contains(ReportFixtures.Hostile, doc.ById("spec-text").Value, StringComparison.Ordinal);
        var input = doc.ById("failure-table").All("tr").Single(r => (string?)r.Attribute("data-example") == "ex-1").WithClass("input").Single().Value;
        Assert.Contains("<script>alert('x')</script>", input, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0001", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", html, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_IsSelfContained()
    {
        var html = ReportWriter.WriteHtml(ReportFixtures.Expo());
        var doc = ReportFixtures.Parse(html);

        Assert.Empty(doc.All("script"));
        Assert.Empty(doc.All("link"));
        Assert.Empty(doc.All("img"));
        Assert.DoesNotContain(doc.Descendants().Attributes(), a => a.Name.LocalName is "src" || (a.Name.LocalName == "href" && !a.Value.StartsWith('#')));
        var css = doc.All("style").Single().Value;
        Assert.DoesNotContain("url(", css, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", css, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_Prompts_ShowsWordDiffPerPart()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase()));

        var system = doc.ById("diff-system");
        Assert.Equal(["helpful"], system.All("del").Select(e => e.Value));
        Assert.Equal(["careful", "Think step by step."], system.All("ins").Select(e => e.Value));
        var withoutDeletions = string.Concat(system.Nodes().Where(n => n is XText || (n is XElement e && e.Name != "del")).Select(n => n is XElement e ? e.Value : ((XText)n).Value));
        Assert.Equal("You are a careful assistant. Think step by step.", string.Join(' ', withoutDeletions.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        var user = doc.ById("diff-user");
        Assert.Equal(["Reply with the letter only."], user.All("ins").Select(e => e.Value));
        Assert.Equal(ReportFixtures.Best.FullText, doc.ById("best-prompt").All("pre").Single().Value);
    }

    [Fact]
    public void WriteHtml_Trajectory_DrawsTrainAndTestSeries()
    {
        var chart = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase())).ById("trajectory-chart");

        var series = chart.WithClass("series").ToList();
        Assert.Equal(["train (best so far)", "test (incumbent)"], series.Select(s => (string?)s.Attribute("data-name")));
        Assert.Equal(3, series[0].WithClass("marker").Count());
        Assert.Equal(2, series[1].WithClass("marker").Count());
        Assert.Equal("test (incumbent): 0.660 \u2014 LLM calls (all roles) 120", series[1].WithClass("marker").Last().All("title").Single().Value);
    }

    [Fact]
    public void WriteHtml_DualPhase_HeatTableHasOneRowPerSentenceAndOneColumnPerStep()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase()));
        var table = doc.ById("sentence-weights-table");

        Assert.Equal(["#", "Sentence (latest text)", "step 0", "step 1", "step 2"], table.All("th").Select(th => th.Value));
        var rows = table.All("tbody").Single().All("tr").ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["1.00", "1.30", "1.30"], rows[0].WithClass("heat").Select(td => td.Value));
        Assert.Equal("Think step by step.", rows[0].WithClass("sentence").Single().Value);
        Assert.Equal([false, true, false], rows[0].WithClass("heat").Select(td => ((string?)td.Attribute("class"))!.Contains("edited", StringComparison.Ordinal)));
        var edits = doc.ById("edits-table").All("tbody").Single().All("tr").ToList();
        Assert.Equal(["accepted", "rejected", "accepted"], edits.Select(r => (string?)r.Attribute("data-status")));
        Assert.Contains("2 accepted", doc.ById("dual-phase-edits").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_Lineage_ListsEveryCandidateInTreeOrderWithParentAndStatus()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase()));
        var rows = doc.ById("lineage").All("tbody").Single().All("tr").ToList();

        Assert.Equal(["candidate-0", "candidate-1", "candidate-2", "candidate-3", "candidate-4"], rows.Select(r => (string?)r.Attribute("id")));
        Assert.Equal([null, "0", "0", "2", "2"], rows.Select(r => (string?)r.Attribute("data-parent")));
        Assert.Equal(["accepted", "rejected", "accepted", "accepted", "rejected"], rows.Select(r => (string?)r.Attribute("data-status")));
        var best = Assert.Single(rows, r => (string?)r.Attribute("class") == "best");
        Assert.Equal("candidate-3", (string?)best.Attribute("id"));
        Assert.Equal("   \u251c\u2500 ", rows[3].WithClass("tree").Single().Value);
        Assert.Equal("   \u2514\u2500 ", rows[4].WithClass("tree").Single().Value);
        Assert.Contains("0.700", rows[3].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_Failures_ShowsWorstFirstUpToTheLimit()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase()));
        var rows = doc.ById("failure-table").All("tbody").Single().All("tr").ToList();

        Assert.Equal(["ex-4", "ex-1", "ex-5"], rows.Select(r => (string?)r.Attribute("data-example")));
        Assert.Contains("HTTP 500 <server error>", rows[0].Value, StringComparison.Ordinal);
        Assert.Equal("4", rows[1].WithClass("expected").Single().Value);
        Assert.Equal("5", rows[1].WithClass("answer").Single().Value);
        Assert.Contains("4 of 5 examples failed", doc.ById("failures").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_NoFailuresAttached_SaysSo()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.MetaSpo()));

        Assert.Contains("No per-example results", doc.ById("failures").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_Usage_RowsPerRoleInFixedOrderWithTotalsAndCharts()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase()));
        var rows = doc.ById("usage-table").All("tbody").Single().All("tr").ToList();

        Assert.Equal(["task", "optimizer", "test", "total"], rows.Select(r => (string?)r.Attribute("data-role")));
        Assert.Equal(["task", "300", "200", "100", "33.3%", "90,000", "9,000", "2", "$0.0456"], rows[0].All("td").Select(td => td.Value));
        Assert.Equal(["total", "362", "262", "100", "27.6%", "117,000", "12,000", "3", "$0.0679"], rows[3].All("td").Select(td => td.Value));
        Assert.Equal(6, doc.ById("usage-calls-chart").WithClass("bar").Count());
        Assert.Equal(6, doc.ById("usage-tokens-chart").WithClass("bar").Count());
    }

    [Fact]
    public void WriteHtml_MetaSpo_TaskUnseenAndTtaParts()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.MetaSpo()));

        Assert.Equal(["summary", "prompts", "trajectory", "metaspo", "candidates", "failures", "usage", "spec"], doc.All("section").Select(s => (string?)s.Attribute("id")));
        var tasks = doc.ById("metaspo-tasks-table").All("tbody").Single().All("tr").ToList();
        Assert.Equal(["ob_gyn", "0.400", "0.500", "+0.100"], tasks[0].All("td").Select(td => td.Value));
        Assert.Equal(4, doc.ById("metaspo-tasks-chart").WithClass("bar").Count());
        var unseen = doc.ById("metaspo-unseen-table").All("tbody").Single().All("tr").ToList();
        Assert.Equal(4, unseen.Count);
        Assert.Equal(["surgery", "medical", "0.400", "\u2014", "0.500", "+0.100"], unseen[2].All("td").Select(td => td.Value));
        Assert.Equal(["mean", "", "0.400", "0.420", "0.500", "+0.100"], unseen[3].All("td").Select(td => td.Value));
        Assert.Equal(8, doc.ById("metaspo-unseen-chart").WithClass("bar").Count());
        var tta = doc.ById("metaspo-tta-chart").WithClass("series").ToList();
        Assert.Equal(["default system prompt", "optimized system prompt"], tta.Select(s => (string?)s.Attribute("data-name")));
        Assert.Equal(["dental", "0.300", "0.400", "0.400", "0.500"], doc.ById("metaspo-tta-table").All("tbody").Single().All("td").Select(td => td.Value));
    }

    [Fact]
    public void WriteHtml_Expo_RegretBestValueAndArmCharts()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.Expo()));

        Assert.Equal(["summary", "prompts", "trajectory", "expo", "candidates", "failures", "usage", "spec"], doc.All("section").Select(s => (string?)s.Attribute("id")));
        Assert.Equal(["this run", "original"], doc.ById("expo-regret-chart").WithClass("series").Select(s => (string?)s.Attribute("data-name")));
        Assert.Equal(["this run", "original"], doc.ById("expo-best-chart").WithClass("series").Select(s => (string?)s.Attribute("data-name")));
        Assert.Equal(["arm 0", "arm 1", "arm 2", "arm 3", "arm 4", "arm 5"], doc.ById("expo-arms-chart").WithClass("series").Select(s => (string?)s.Attribute("data-name")));
        var arms = doc.ById("expo-arms-table").All("tbody").Single().All("tr").ToList();
        Assert.Equal(["1", "2", "0"], arms.Select(r => r.All("td").First().Value));
        Assert.Equal(["0", "2", "0.222", "Pick " + ReportFixtures.Hostile, "Explore."], arms[2].All("td").Select(td => td.Value));
        Assert.Contains("8 agent steps; final cumulative regret 1.600", doc.ById("expo").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHtml_MethodDetailsMissingOrMalformed_SaysSoAndKeepsTheRest()
    {
        var run = ReportFixtures.DualPhase();
        var empty = ReportFixtures.Parse(ReportWriter.WriteHtml(run with { Result = run.Result with { Details = [] } }));
        var malformed = ReportFixtures.Parse(ReportWriter.WriteHtml(run with
        {
            Result = run.Result with { Details = new JsonObject { [ReportDetailKeys.SentenceWeights] = new JsonArray("oops", new JsonArray(1, 2)) } },
        }));

        Assert.Equal("The run recorded no sentence weights.", empty.ById("sentence-weights").Value);
        Assert.Equal("The run recorded no sentence weights.", malformed.ById("sentence-weights").Value);
        Assert.NotEmpty(malformed.ById("lineage").All("tr"));
    }

    [Fact]
    public void WriteHtml_SectionThrows_RendersNoteInsteadOfFailing()
    {
        var doc = ReportFixtures.Parse(ReportWriter.WriteHtml(ReportFixtures.DualPhase(), [new ThrowingSection()]));

        Assert.Equal("This section could not be rendered: bad shape", doc.ById("boom").WithClass("note").Single().Value);
    }

    [Fact]
    public void WriteHtml_SameRunTwiceAndUnderAnotherCulture_IsByteIdentical()
    {
        var first = ReportWriter.WriteHtml(ReportFixtures.Expo());
        var second = ReportWriter.WriteHtml(ReportFixtures.Expo());
        var culture = CultureInfo.CurrentCulture;
        string german;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            german = ReportWriter.WriteHtml(ReportFixtures.Expo());
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        Assert.Equal(first, second);
        Assert.Equal(first, german);
        Assert.Equal(ReportWriter.WriteMarkdown(ReportFixtures.DualPhase()), ReportWriter.WriteMarkdown(ReportFixtures.DualPhase()));
    }

    [Fact]
    public void WriteMarkdown_DualPhaseRun_HasEverySectionWithItsContent()
    {
        var md = ReportWriter.WriteMarkdown(ReportFixtures.DualPhase());
        var headings = md.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToList();

        Assert.Equal(["## Summary", "## Best prompt vs starting prompt", "## Score vs LLM calls", "## Dual-Phase: sentence weights", "## Candidate lineage", "## Worst failures", "## Usage and cost", "## Run spec"], headings);
        Assert.Contains("**SIMULATED RESULTS**", md, StringComparison.Ordinal);
        Assert.Contains("| Test score | 0.450 | 0.660 | +0.210 |", md, StringComparison.Ordinal);
        Assert.Contains("You are a [-helpful-] {+careful+} assistant.", md, StringComparison.Ordinal);
        Assert.Contains("| 0 | Think step by step. | 1.00 | 1.30 | 1.30 |", md, StringComparison.Ordinal);
        Assert.Contains("| \u00a0\u00a0\u00a0\u251c\u2500\u00a0#3 | #2 | 2 | rewrite\\_sentence | 0.700 | accepted (best) |", md, StringComparison.Ordinal);
        Assert.Contains("| ex-4 | Broken call | A | error: HTTP 500 &lt;server error&gt; | 0.000 |", md, StringComparison.Ordinal);
        Assert.Contains("| **total** | 362 | 262 | 100 | 117,000 | 12,000 | 3 | $0.0679 |", md, StringComparison.Ordinal);
        Assert.Contains("<script>", md, StringComparison.Ordinal); // inside the spec's code fence, where Markdown shows it literally
        Assert.DoesNotContain("<script>", OutsideFences(md), StringComparison.Ordinal);
        Assert.Contains("Answer &lt;script&gt;", OutsideFences(md), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteMarkdown_MetaSpoAndExpo_HaveTheirTables()
    {
        var metaspo = ReportWriter.WriteMarkdown(ReportFixtures.MetaSpo());
        var expo = ReportWriter.WriteMarkdown(ReportFixtures.Expo());

        Assert.Contains("| ob\\_gyn | 0.400 | 0.500 | +0.100 |", metaspo, StringComparison.Ordinal);
        Assert.Contains("| **mean** |   | 0.400 | 0.420 | 0.500 | +0.100 |", metaspo, StringComparison.Ordinal);
        Assert.Contains("| dental | 0.300 \u2192 0.400 | 0.400 \u2192 0.500 |", metaspo, StringComparison.Ordinal);
        Assert.DoesNotContain("SIMULATED", metaspo, StringComparison.Ordinal);
        Assert.Contains("## EXPO: regret and arm probabilities", expo, StringComparison.Ordinal);
        Assert.Contains("| 8 | 2 | 0.000 | 1.600 | 18.000 | 0 (0.22) |", expo, StringComparison.Ordinal);
    }

    private static string OutsideFences(string md)
    {
        bool inFence = false;
        var kept = new List<string>();
        foreach (var line in md.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            else if (!inFence)
            {
                kept.Add(line);
            }
        }

        return string.Join('\n', kept);
    }

    private sealed class ThrowingSection : IReportSection
    {
        public string Id => "boom";

        public string Title => "Boom";

        public bool AppliesTo(string method) => true;

        public string RenderHtml(RunReport report) => throw new InvalidOperationException("bad shape");

        public string RenderMarkdown(RunReport report) => throw new InvalidOperationException("bad shape");
    }
}
