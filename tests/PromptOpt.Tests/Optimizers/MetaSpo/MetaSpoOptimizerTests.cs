using PromptOpt.Optimizers;
using PromptOpt.Optimizers.MetaSpo;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Tests.TestDoubles;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Optimizers.MetaSpo;

/// <summary>One full MetaSPO run on the shipped built-in suite (examples/metaspo-builtin.yaml) with both protocols, shared by the tests below.</summary>
public sealed class BuiltInSuiteRun : IAsyncLifetime
{
    public OptimizationResult Result { get; private set; } = null!;

    public MetaSpoOutcome Outcome { get; private set; } = null!;

    public SimulatedWorld World { get; private set; } = null!;

    public EventLog Events { get; } = new();

    public IReadOnlyList<PromptOpt.Data.TaskDefinition> Unseen { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var suite = MetaSpoFixture.BuiltInSuite();
        Unseen = suite.Unseen;
        var request = MetaSpoFixture.Request(suite.Source, suite.Unseen, out var world, trainSize: 20, testSize: 100, progress: Events);
        World = world;
        var options = new MetaSpoOptions { Iterations = 1, UnseenUserPrompts = 3, TestTimeAdaptation = true, TtaIterations = 2 };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Result = await new MetaSpoOptimizer(options).OptimizeAsync(request);
        Elapsed = sw.Elapsed;
        Outcome = MetaSpoOutcome.From(Result)!;
    }

    public TimeSpan Elapsed { get; private set; }

    public Task DisposeAsync() => Task.CompletedTask;
}

public class MetaSpoOptimizerTests(BuiltInSuiteRun run, ITestOutputHelper output) : IClassFixture<BuiltInSuiteRun>
{
    [Fact]
    public void BuiltInSuite_OptimizedSystemPrompt_BeatsDefaultOnUnseenTasks()
    {
        var unseen = run.Outcome.Unseen!;
        output.WriteLine(run.Outcome.SystemPrompt);
        output.WriteLine(unseen.Table.ToMarkdown());
        Assert.Equal(run.Unseen.Select(t => t.Name), unseen.Tasks.Select(t => t.Task));
        Assert.True(unseen.MeanOptimized > unseen.MeanDefault + 0.05, $"unseen mean: default {unseen.MeanDefault:F3}, optimized {unseen.MeanOptimized:F3}");
        Assert.Equal(unseen.MeanOptimized, unseen.Table.Get("MetaSPO", MetaSpoTable.AverageColumn)!.Value, 9);
        Assert.All(unseen.Tasks, t => Assert.Equal(3, t.UserPrompts.Count));
    }

    [Fact]
    public void BuiltInSuite_OptimizedSystemPrompt_CarriesGenericSkills()
    {
        // WHY it transfers: the simulator's inspection shows generic skills activated by the system prompt itself.
        foreach (var task in run.Unseen)
        {
            var prompt = new Prompt(run.Outcome.SystemPrompt, MetaSpoPrompts.InitialUserPrompt(task));
            var generic = run.World.GetKnowledge(task.Name).Generic.Select(g => g.Name).ToHashSet();
            var fromSystem = run.World.Analyze(prompt, task.Name).Activation.Contributions
                .Where(c => c.Unit.InSystem && c.Level >= 0.5 && generic.Contains(c.Skill)).Select(c => c.Skill).Distinct().ToList();
            output.WriteLine($"{task.Name}: {string.Join(", ", fromSystem)}");
            Assert.Contains(fromSystem, s => s is SkillCatalogue.Stepwise or SkillCatalogue.Verify or SkillCatalogue.Focus or SkillCatalogue.Format);
            var defaultPrompt = prompt with { System = MetaSpoPrompts.DefaultSystemPrompt };
            Assert.DoesNotContain(run.World.Analyze(defaultPrompt, task.Name).Activation.Contributions, c => c.Unit.InSystem && c.Level >= 0.5);
        }
    }

    [Fact]
    public void BuiltInSuite_TestTimeAdaptation_ReachesDefaultFinalScoreInFewerIterations()
    {
        var tta = run.Outcome.Tta!;
        output.WriteLine($"fixture {run.Elapsed}, {run.Result.Usage.Total.Calls} calls");
        output.WriteLine(tta.Table.ToMarkdown());
        output.WriteLine("default:   " + string.Join(" ", tta.MeanDefault.Select(x => x.ToString("F3"))));
        output.WriteLine("optimized: " + string.Join(" ", tta.MeanOptimized.Select(x => x.ToString("F3"))));
        Assert.All(tta.Tasks, t => Assert.Equal(4, t.Default.Count));
        Assert.All(tta.Tasks, t => Assert.Equal(4, t.Optimized.Count));
        var reached = tta.OptimizedReachesDefaultFinalAt;
        Assert.NotNull(reached);
        Assert.True(reached < tta.MeanDefault.Count - 1, $"optimized reaches the default's final score at iteration {reached}");
    }

    [Fact]
    public void BuiltInSuite_Result_HasSystemPromptAndEachTasksBestUserPrompt()
    {
        var r = run.Result;
        Assert.Equal("metaspo", r.Method);
        Assert.Equal("completed", r.StopReason);
        Assert.Equal(run.Outcome.SystemPrompt, r.BestPrompt.System);
        Assert.Equal(MetaSpoPrompts.DefaultSystemPrompt, r.StartPrompt.System);
        Assert.Equal(4, run.Outcome.Tasks.Count);
        Assert.Equal(run.Outcome.Tasks[0].BestUserPrompt, r.BestPrompt.User);
        Assert.All(run.Outcome.Tasks, t =>
        {
            Assert.Contains(Prompt.QuestionPlaceholder, t.BestUserPrompt);
            Assert.Equal(t.BestUserPrompt, t.UserPrompts[0].User);
            Assert.Equal(t.BestUserPrompt, run.Outcome.BestUserPrompts[t.Task]);
            Assert.InRange(t.UserPrompts.Count, 1, 3);
            Assert.True(t.Best > t.Start, $"{t.Task}: {t.Start} -> {t.Best}");
        });
        Assert.Equal(run.Outcome.Tasks[0].Best, r.BestTrainScore);
        Assert.NotNull(r.BestTestScore);
        Assert.True(r.BestTestScore > r.StartTestScore);
        foreach (var key in new[] { "system_prompt", "tasks", "unseen", "tta", "unseen_table", "tta_table", "iterations" })
        {
            Assert.True(r.Details.ContainsKey(key), key);
        }
    }

    [Fact]
    public void BuiltInSuite_Report_RendersTheMetaSpoSection()
    {
        var report = new PromptOpt.Reporting.RunReport { RunId = "metaspo-test", Result = run.Result };
        var html = PromptOpt.Reporting.ReportWriter.WriteHtml(report);
        Assert.Contains("metaspo-tasks-table", html);
        Assert.Contains("metaspo-unseen-table", html);
        Assert.Contains("metaspo-tta-table", html);
        Assert.Contains("object_counting", html);
    }

    [Fact]
    public void BuiltInSuite_Events_AnnounceFirstAndCompleteLast()
    {
        var events = run.Events.Events;
        var started = Assert.IsType<RunStarted>(events[0]);
        Assert.True(started.EstimatedTaskCalls > 0 && started.EstimatedOptimizerCalls > 0);
        Assert.Null(started.Warning);
        Assert.IsType<RunCompleted>(events[^1]);
        Assert.Equal(run.Result.Candidates.Count, events.OfType<CandidateEvaluated>().Count());
        Assert.Single(events.OfType<StepCompleted>());
    }
}
