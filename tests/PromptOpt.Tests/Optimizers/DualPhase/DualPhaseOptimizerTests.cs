using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.DualPhase;
using PromptOpt.Prompts;
using PromptOpt.Reporting;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Optimizers.DualPhase;

public class DualPhaseOptimizerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("multistep_arithmetic")]
    [InlineData("navigate")]
    [InlineData("word_sorting")]
    public async Task OptimizeAsync_OneLinePrompt_ImprovesHeldOutTestScore(string task)
    {
        var rig = DualPhaseRig.Create(task);

        var r = await new DualPhaseOptimizer().OptimizeAsync(rig.Request);

        output.WriteLine($"{task}: train {r.StartTrainScore:F3} -> {r.BestTrainScore:F3}, test {r.StartTestScore:F3} -> {r.BestTestScore:F3}, acceptance {r.Details[DualPhaseNames.AcceptanceRateKey]}\n{r.BestPrompt.User}");
        Assert.Equal(rig.Task.OneLinePrompt, r.StartPrompt);
        Assert.NotNull(r.StartTestScore);
        Assert.NotNull(r.BestTestScore);

        // The gain holds on the TEST split, which shares no example with V ...
        var trainIds = rig.Task.Dataset.Train.Select(e => e.Id).ToHashSet();
        Assert.DoesNotContain(rig.Task.Dataset.Test.Take(150), e => trainIds.Contains(e.Id));
        Assert.True(r.BestTestScore > r.StartTestScore + 0.25, $"test {r.StartTestScore:F3} -> {r.BestTestScore:F3}");

        // ... and it is real: by the simulator's own account the best prompt is expected to score higher on the test split.
        var test = rig.Task.Dataset.Test.Take(150).ToList();
        double expectedStart = rig.World.ExpectedScore(r.StartPrompt, rig.Task.Name, test);
        double expectedBest = rig.World.ExpectedScore(r.BestPrompt, rig.Task.Name, test);
        Assert.True(expectedBest > expectedStart + 0.25, $"expected {expectedStart:F3} -> {expectedBest:F3}");
        Assert.True(rig.World.Analyze(r.BestPrompt, rig.Task.Name).IsActive("format"));
        Assert.True(r.BestPrompt.HasPlaceholder);
    }

    [Theory]
    [InlineData("object_counting")]
    [InlineData("date_arithmetic")]
    public async Task OptimizeAsync_PhaseOneOnly_BeatsOneLinePromptOnTest(string task)
    {
        var rig = DualPhaseRig.Create(task);

        var r = await new DualPhaseOptimizer(new DualPhaseOptions { MaxSteps = 0 }).OptimizeAsync(rig.Request);

        var p0 = Assert.Single(r.Candidates, c => c.Operation == DualPhaseNames.InitialOperation);
        output.WriteLine($"{task}: one-line test {r.StartTestScore:F3}, P0 test {r.BestTestScore:F3}\n{p0.Prompt.User}");
        Assert.Equal(p0.Prompt, r.BestPrompt);
        Assert.Equal(2, r.Candidates.Count); // the start prompt and P0, nothing else
        Assert.True(r.BestTestScore > r.StartTestScore + 0.1, $"P0 {r.BestTestScore:F3} vs one-line {r.StartTestScore:F3}");
        Assert.Equal(1, rig.OptimizerCalls);
        Assert.Equal(2 * 40, rig.TaskCalls); // 2·|V|
        var inspection = rig.World.Analyze(p0.Prompt, rig.Task.Name);
        Assert.True(inspection.IsActive("format") && inspection.IsActive("stepwise"), "P0's sections carry the answer format and the reasoning steps");
        Assert.Contains("##", p0.Prompt.User, StringComparison.Ordinal);
        Assert.True(p0.Prompt.HasPlaceholder);
    }

    [Fact]
    public async Task OptimizeAsync_Run_WeightsChangeOnlyForTheAcceptedSentenceAndSplitStaysLossless()
    {
        var rig = DualPhaseRig.Create("date_arithmetic", seed: 2);

        var r = await new DualPhaseOptimizer(new DualPhaseOptions { MaxSteps = 6 }).OptimizeAsync(rig.Request);

        var weights = (JsonArray)r.Details[ReportDetailKeys.SentenceWeights]!;
        var edits = ((JsonArray)r.Details[ReportDetailKeys.Edits]!).Select(e => e!.AsObject()).ToList();
        int steps = rig.Log.Of<StepCompleted>().Count;
        Assert.Equal(steps + 1, weights.Count);
        Assert.Contains(edits, e => (bool)e["accepted"]!);
        for (int t = 1; t < weights.Count; t++)
        {
            var before = Row(weights[t - 1]!);
            var after = Row(weights[t]!);
            Assert.Equal(before.Count, after.Count);
            var accepted = edits.Where(e => (int)e["step"]! == t && (bool)e["accepted"]!).Select(e => (int)e["index"]!).ToList();
            Assert.True(accepted.Count <= 1);
            foreach (var (index, (text, weight)) in after)
            {
                bool edited = accepted.Contains(index);
                Assert.Equal(edited, before[index].Weight != weight);
                Assert.Equal(edited, before[index].Text != text);
                if (edited)
                {
                    Assert.True(weight > before[index].Weight);
                }
            }
        }

        // Every candidate splits losslessly, and each sentence rewrite differs from its parent inside one editable unit.
        var byId = r.Candidates.ToDictionary(c => c.Id);
        foreach (var c in r.Candidates)
        {
            Assert.Equal(c.Prompt.User, SentenceView.Parse(c.Prompt.User).Join());
            if (c.Operation == DualPhaseNames.RewriteOperation)
            {
                AssertOneUnitChanged(byId[c.ParentId!.Value].Prompt, c.Prompt);
            }
        }
    }

    [Fact]
    public async Task OptimizeAsync_OptimizerRepeatsARejectedRewrite_ItIsNeverEvaluatedTwice()
    {
        var rig = DualPhaseRig.Create("navigate", seed: 4);
        const string Stubborn = "Reply however you like.";
        var request = WithOptimizer(rig.Request, new StubbornRewriter(rig.Request.OptimizerModel, Stubborn));

        var r = await new DualPhaseOptimizer(new DualPhaseOptions { MaxSteps = 4 }).OptimizeAsync(request);

        var edits = ((JsonArray)r.Details[ReportDetailKeys.Edits]!).Select(e => e!.AsObject()).ToList();
        var proposed = edits.Select(e => ((int)e["index"]!, (string)e["after"]!)).ToList();
        Assert.Equal(proposed.Count, proposed.Distinct().Count());
        Assert.Contains(rig.Log.Of<RunNotice>(), n => n.Message.Contains("repeated a rejected rewrite", StringComparison.Ordinal));
        Assert.All(edits, e => Assert.Equal(Stubborn, (string)e["after"]!));
        Assert.Equal(r.Candidates.Count, r.Candidates.Select(c => c.Prompt).Distinct().Count());
        Assert.Equal(4, rig.Log.Of<StepCompleted>().Count); // steps whose attempts were all rejected still count
    }

    [Fact]
    public async Task OptimizeAsync_Run_ReportsAcceptanceRateInDetailsAndEvents()
    {
        var rig = DualPhaseRig.Create("boolean_expressions", seed: 1);

        var r = await new DualPhaseOptimizer().OptimizeAsync(rig.Request);

        var edits = ((JsonArray)r.Details[ReportDetailKeys.Edits]!).Select(e => e!.AsObject()).ToList();
        Assert.NotEmpty(edits);
        double rate = (double)r.Details[DualPhaseNames.AcceptanceRateKey]!;
        Assert.Equal(edits.Count(e => (bool)e["accepted"]!) / (double)edits.Count, rate, 12);
        Assert.All(edits, e => Assert.True(e["failure_score"] is not null));
        Assert.All(edits.Where(e => e["score"] is null), e => Assert.True((double)e["failure_score"]! < 0.3));
        Assert.All(rig.Log.Of<StepCompleted>(), s => Assert.Contains("rewrites accepted", s.Detail, StringComparison.Ordinal));
        Assert.Contains(rig.Log.Of<RunNotice>(), n => n.Message.Contains("rewrites accepted", StringComparison.Ordinal));
        Assert.IsType<RunStarted>(rig.Log.Events[0]);
        Assert.IsType<RunCompleted>(rig.Log.Events[^1]);
        output.WriteLine($"acceptance {rate:F2} over {edits.Count} rewrites; train {r.StartTrainScore:F3} -> {r.BestTrainScore:F3}");

        // The report's Dual-Phase section reads these details.
        var md = ReportWriter.WriteMarkdown(new RunReport { RunId = "dp-test", Result = r });
        Assert.Contains("Sentence weights after each step", md, StringComparison.Ordinal);
        Assert.Contains("rewrites attempted", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptimizeAsync_SameSeed_SameRun()
    {
        var a = await new DualPhaseOptimizer().OptimizeAsync(DualPhaseRig.Create("object_counting", seed: 9).Request);
        var b = await new DualPhaseOptimizer().OptimizeAsync(DualPhaseRig.Create("object_counting", seed: 9).Request);

        Assert.Equal(a.BestPrompt, b.BestPrompt);
        Assert.Equal(a.Details.ToJsonString(), b.Details.ToJsonString());
        Assert.Equal(a.Candidates.Select(c => c.Prompt), b.Candidates.Select(c => c.Prompt));
    }

    [Fact]
    public async Task OptimizeAsync_NoPhaseOne_StartsFromTheStartPrompt()
    {
        var rig = DualPhaseRig.Create("multistep_arithmetic");

        var r = await new DualPhaseOptimizer(new DualPhaseOptions { InitialPrompt = false }).OptimizeAsync(rig.Request);

        Assert.DoesNotContain(r.Candidates, c => c.Operation == DualPhaseNames.InitialOperation);
        var first = r.Candidates.First(c => c.Operation == DualPhaseNames.RewriteOperation);
        Assert.Equal(0, first.ParentId);
        Assert.True(r.BestTrainScore >= r.StartTrainScore);
    }

    [Fact]
    public async Task OptimizeAsync_WholePromptAblation_RewritesWithoutWeights()
    {
        var rig = DualPhaseRig.Create("navigate");

        var r = await new DualPhaseOptimizer(new DualPhaseOptions { SentenceLevel = false, MaxSteps = 3 }).OptimizeAsync(rig.Request);

        Assert.False(r.Details.ContainsKey(ReportDetailKeys.SentenceWeights));
        var edits = ((JsonArray)r.Details[ReportDetailKeys.Edits]!).Select(e => e!.AsObject()).ToList();
        Assert.NotEmpty(edits);
        Assert.All(edits, e => Assert.Equal(-1, (int)e["index"]!));
        Assert.All(r.Candidates.Where(c => c.Step > 0), c => Assert.Equal(DualPhaseNames.WholeRewriteOperation, c.Operation));
        Assert.InRange(rig.OptimizerCalls, 1 + (2 * edits.Count), 1 + (2 * 3 * 3)); // phase 1, then analyse + generate per attempt
    }

    [Fact]
    public async Task OptimizeAsync_NoFailureCheck_EveryRewriteIsScoredOnV()
    {
        var rig = DualPhaseRig.Create("word_sorting", seed: 2);

        var r = await new DualPhaseOptimizer(new DualPhaseOptions { FailureCheck = false, MinImprovement = 0.1 }).OptimizeAsync(rig.Request);

        var edits = ((JsonArray)r.Details[ReportDetailKeys.Edits]!).Select(e => e!.AsObject()).ToList();
        Assert.NotEmpty(edits);
        Assert.All(edits, e => Assert.NotNull(e["score"]));
        Assert.All(edits, e => Assert.NotNull(e["failure_score"]));
        Assert.All(r.Candidates.Where(c => c.Step > 0), c => Assert.NotNull(c.TrainScore));
    }

    /// <summary>The text that differs between parent and child lies inside one editable unit of the parent.</summary>
    private static void AssertOneUnitChanged(Prompt parent, Prompt child)
    {
        Assert.Equal(parent.System, child.System);
        string a = parent.User, b = child.User;
        int lp = 0;
        while (lp < a.Length && lp < b.Length && a[lp] == b[lp])
        {
            lp++;
        }

        int ls = 0;
        while (ls < a.Length - lp && ls < b.Length - lp && a[^(ls + 1)] == b[^(ls + 1)])
        {
            ls++;
        }

        var view = SentenceView.Parse(a);
        int pos = view.Prefix.Length;
        var spans = new List<(int Start, int End, bool Editable)>();
        foreach (var s in view.Sentences)
        {
            spans.Add((pos, pos + s.Text.Length, s.Editable));
            pos += s.Text.Length + s.Separator.Length;
        }

        int start = lp, end = a.Length - ls;
        Assert.Contains(spans, s => s.Editable && s.Start <= start && end <= s.End);
    }

    private static Dictionary<int, (string Text, double Weight)> Row(JsonNode row) =>
        row.AsArray().Select(s => s!.AsObject()).ToDictionary(s => (int)s["index"]!, s => ((string)s["text"]!, (double)s["weight"]!));

    private static OptimizationRequest WithOptimizer(OptimizationRequest r, IChatClient optimizer) => new()
    {
        Task = r.Task,
        StartPrompt = r.StartPrompt,
        TaskModel = r.TaskModel,
        OptimizerModel = optimizer,
        Usage = r.Usage,
        Seed = r.Seed,
        TrainSize = r.TrainSize,
        TestSize = r.TestSize,
        Evaluation = r.Evaluation,
        Progress = r.Progress,
    };

    /// <summary>Answers every sentence rewrite with the same sentence; other operations go to the simulator.</summary>
    private sealed class StubbornRewriter(IChatClient inner, string sentence) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            options.GetOperation()?.Name == OperationNames.RewriteSentence
                ? Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"<sentence>{sentence}</sentence>")))
                : base.GetResponseAsync(messages, options, cancellationToken);
    }
}
