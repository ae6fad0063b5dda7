using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.MetaSpo;
using PromptOpt.Prompts;
using PromptOpt.Reporting;
using PromptOpt.Simulation;
using PromptOpt.Tests.TestDoubles;
using System.Text.Json.Nodes;

namespace PromptOpt.Tests.Optimizers.MetaSpo;

public class MetaSpoLoopTests
{
    private static readonly string[] SourceNames = ["multistep_arithmetic", "boolean_expressions", "date_arithmetic"];

    private static IReadOnlyList<TaskDefinition> Source(int n = 3) =>
        SourceNames.Take(n).Select(name => BuiltInTasks.Create(name, 3, trainSize: 40, testSize: 40)).ToList();

    [Fact]
    public async Task OptimizeAsync_Full_BeamNeverExceedsThreeAndOnlyStrictlyBetterSystemPromptsReplace()
    {
        var events = new EventLog();
        var request = MetaSpoFixture.Request(Source(), [], out _, seed: 5, trainSize: 20, progress: events);
        var result = await new MetaSpoOptimizer(new MetaSpoOptions { Iterations = 2, SystemCandidates = 4 }).OptimizeAsync(request);

        var iterations = result.Details[MetaSpoDetails.Iterations]!.AsArray().OfType<JsonObject>().ToList();
        Assert.Equal(2, iterations.Count);
        var acceptedSystems = 0;
        foreach (var it in iterations)
        {
            // The inner loop's beam never exceeds 3, and holds at least one prompt per task.
            foreach (var beam in it["beams"]!.AsArray().OfType<JsonObject>())
            {
                Assert.InRange(beam["prompts"]!.AsArray().Count, 1, 3);
            }

            // Only a strictly better system prompt replaces the incumbent: the accepted one is the first maximum above it.
            double incumbent = (double)it["incumbent_before"]!;
            var cands = it["system_candidates"]!.AsArray().OfType<JsonObject>()
                .Select(c => (Id: (int)c["id"]!, Score: (double)c["meta_score"]!, Accepted: (bool)c["accepted"]!)).ToList();
            var better = cands.Where(c => c.Score > incumbent).ToList();
            if (better.Count == 0)
            {
                Assert.DoesNotContain(cands, c => c.Accepted);
                Assert.Equal(incumbent, (double)it["meta_score"]!, 12);
            }
            else
            {
                var winner = better.First(c => c.Score == better.Max(b => b.Score));
                Assert.Equal([winner.Id], cands.Where(c => c.Accepted).Select(c => c.Id));
                Assert.Equal(winner.Score, (double)it["meta_score"]!, 12);
                acceptedSystems++;
            }
        }

        Assert.True(acceptedSystems > 0, "no system prompt was ever accepted");

        // The same from the candidate records and the events.
        var systemRecords = result.Candidates.Where(c => c.Operation == "system_generate").ToList();
        Assert.Equal(acceptedSystems, systemRecords.Count(c => c.Accepted));
        var fromEvents = events.Events.OfType<CandidateEvaluated>().Select(e => e.Candidate).Where(c => c.Operation == "system_generate").ToList();
        Assert.Equal(systemRecords.Select(c => (c.Id, c.Accepted)), fromEvents.Select(c => (c.Id, c.Accepted)));
        foreach (var step in systemRecords.GroupBy(c => c.Step))
        {
            Assert.True(step.Count(c => c.Accepted) <= 1);
            Assert.Equal(step.Count(), step.Select(c => c.Prompt.System).Distinct().Count()); // deduped before paying
        }

        // The user-prompt records: per task and step at most 3 accepted, each derived from the beam's best.
        var userRecords = result.Candidates.Where(c => c.Operation == "user_generate").ToList();
        Assert.NotEmpty(userRecords);
        Assert.All(userRecords.GroupBy(c => (c.Note, c.Step)), g => Assert.True(g.Count() <= 3 && g.Select(c => c.ParentId).Distinct().Count() == 1));
    }

    [Fact]
    public async Task OptimizeAsync_OuterOnly_RunsTwiceNOuterIterationsWithoutUserCandidates()
    {
        var events = new EventLog();
        var request = MetaSpoFixture.Request(Source(2), [], out _, seed: 6, trainSize: 20, progress: events);
        var result = await new MetaSpoOptimizer(new MetaSpoOptions { Variant = MetaSpoVariant.OuterOnly, Iterations = 2, SystemCandidates = 3 }).OptimizeAsync(request);

        Assert.Equal("completed", result.StopReason);
        Assert.Equal(4, events.Events.OfType<StepCompleted>().Count());
        Assert.Equal(4, events.Events.OfType<StepStarted>().First().TotalSteps);
        Assert.DoesNotContain(result.Candidates, c => c.Operation.StartsWith("user", StringComparison.Ordinal));
        Assert.All(MetaSpoOutcome.From(result)!.Tasks, t => Assert.Single(t.UserPrompts));
        Assert.Equal("outer-only", (string)result.Details[MetaSpoDetails.Variant]!);
        Assert.True((double)result.Details[MetaSpoDetails.MetaScore]! > (double)result.Details[MetaSpoDetails.StartMetaScore]!);
    }

    [Fact]
    public async Task OptimizeAsync_Ape_WritesCandidatesByInduction()
    {
        var request = MetaSpoFixture.Request(Source(2), [], out _, seed: 7, trainSize: 20);
        var result = await new MetaSpoOptimizer(new MetaSpoOptions { Variant = MetaSpoVariant.Ape, Iterations = 1, SystemCandidates = 3 }).OptimizeAsync(request);

        Assert.Contains(result.Candidates, c => c.Operation == "user_ape");
        Assert.Contains(result.Candidates, c => c.Operation == "system_ape");
        Assert.All(result.Candidates.Where(c => c.Operation == "user_ape"), c => Assert.Contains(Prompt.QuestionPlaceholder, c.Prompt.User));
        var tasks = Source(2);
        foreach (var c in result.Candidates.Where(c => c.Operation == "user_ape"))
        {
            Assert.Contains(c.Prompt.User, tasks.Select(t => MetaSpoPrompts.WithAnswerFormat(c.Prompt.User, t))); // answer-format line appended
        }
    }

    [Fact]
    public async Task OptimizeAsync_TaskCalls_SendTheSystemPromptAsASystemMessage()
    {
        var source = Source(2);
        var world = new SimulatedWorld(source, new SimOptions { Seed = 9 });
        var recorder = new RecordingClient(world.CreateClient());
        var request = new OptimizationRequest
        {
            Task = source[0],
            SourceTasks = source,
            TaskModel = recorder,
            OptimizerModel = world.CreateClient(),
            Usage = new UsageMeter(),
            Seed = 9,
            TrainSize = 10,
            TestSize = 10,
        };
        var result = await new MetaSpoOptimizer(new MetaSpoOptions { Variant = MetaSpoVariant.OuterOnly, Iterations = 1, SystemCandidates = 2 }).OptimizeAsync(request);

        var systems = result.Candidates.Select(c => c.Prompt.System).Distinct().ToList();
        Assert.All(recorder.Calls, m =>
        {
            Assert.Equal(2, m.Count);
            Assert.Equal(ChatRole.System, m[0].Role);
            Assert.Contains(m[0].Text, systems);
            Assert.Equal(ChatRole.User, m[1].Role);
            Assert.DoesNotContain(Prompt.QuestionPlaceholder, m[1].Text);
            Assert.DoesNotContain(m[0].Text, m[1].Text);
        });
        Assert.Contains(recorder.Calls, m => m[0].Text == MetaSpoPrompts.DefaultSystemPrompt);
    }

    [Fact]
    public async Task OptimizeAsync_GeneratorLosesPlaceholder_RetriesOnceThenDrops()
    {
        var events = new EventLog();
        var sim = new SimOptions { Seed = 11, PlaceholderLossRate = 1.0 };
        var request = MetaSpoFixture.Request(Source(2), [], out _, seed: 11, trainSize: 20, progress: events, sim: sim);
        var result = await new MetaSpoOptimizer(new MetaSpoOptions { Iterations = 1, SystemCandidates = 2 }).OptimizeAsync(request);

        var it = result.Details[MetaSpoDetails.Iterations]!.AsArray()[0]!.AsObject();
        Assert.Equal(2 * 3, (int)it["user_dropped"]!);
        Assert.DoesNotContain(result.Candidates, c => c.Operation == "user_generate");
        Assert.Equal(6, events.Events.OfType<RunNotice>().Count(n => n.Message.Contains("placeholder", StringComparison.Ordinal)));
        // One analysis + two generation attempts (first + one retry) per user candidate, then the system step.
        Assert.Equal((2 * 3 * 3) + (2 * 2), result.Usage.For(ModelRoles.Optimizer).Calls);
    }

    [Fact]
    public async Task OptimizeAsync_RepliesWithoutTags_RetriedOnceThenDroppedAndNothingPaidFor()
    {
        var sim = new SimOptions { Seed = 16, MissingTagRate = 1.0 };
        var request = MetaSpoFixture.Request(Source(2), [], out _, seed: 16, trainSize: 20, sim: sim);
        var result = await new MetaSpoOptimizer(new MetaSpoOptions { Iterations = 1, SystemCandidates = 2 }).OptimizeAsync(request);

        // Every analysis is asked twice (first + one retry) and then dropped, so no generation call and no evaluation follows.
        Assert.Equal((2 * 3 * 2) + (2 * 2), result.Usage.For(ModelRoles.Optimizer).Calls);
        Assert.Equal(["initial", "initial"], result.Candidates.Select(c => c.Operation));
        Assert.Equal(MetaSpoPrompts.DefaultSystemPrompt, result.BestPrompt.System);
        Assert.Equal(2 * 20, result.Usage.For(ModelRoles.Task).Calls);
    }

    [Fact]
    public async Task OptimizeAsync_TaskBudget_StopsCleanlyWithinBudgetPlusInFlight()
    {
        var events = new EventLog();
        var budget = new OptimizationBudget { MaxTaskCalls = 300 };
        var request = MetaSpoFixture.Request(Source(), [BuiltInTasks.Create("navigate", 3, 40, 40)], out _, seed: 12, trainSize: 20, budget: budget, progress: events, maxConcurrency: 4);
        var result = await new MetaSpoOptimizer().OptimizeAsync(request);

        Assert.Equal("budget", result.StopReason);
        Assert.InRange(result.Usage.For(ModelRoles.Task).Calls, 200, 300 + 4);
        Assert.NotNull(Assert.IsType<RunStarted>(events.Events[0]).Warning);
        Assert.IsType<RunCompleted>(events.Events[^1]);
        Assert.False(result.Details.ContainsKey(ReportDetailKeys.Unseen)); // protocols skipped after a budget stop
        Assert.Equal(MetaSpoPrompts.DefaultSystemPrompt, result.BestPrompt.System);
        Assert.NotNull(result.BestTestScore); // test scoring is not charged
    }

    [Fact]
    public async Task OptimizeAsync_OptimizerBudget_StopsWithBestSoFar()
    {
        var budget = new OptimizationBudget { MaxOptimizerCalls = 5 };
        var request = MetaSpoFixture.Request(Source(2), [], out _, seed: 13, trainSize: 20, budget: budget);
        var result = await new MetaSpoOptimizer(new MetaSpoOptions { Iterations = 1, SystemCandidates = 2 }).OptimizeAsync(request);

        Assert.Equal("budget", result.StopReason);
        Assert.True(result.Usage.For(ModelRoles.Optimizer).Calls <= 5 + 8);
        Assert.Contains(Prompt.QuestionPlaceholder, result.BestPrompt.User);
    }

    [Fact]
    public async Task OptimizeAsync_SameSeed_SameRun()
    {
        async Task<OptimizationResult> RunAsync() => await new MetaSpoOptimizer(new MetaSpoOptions { Iterations = 1, SystemCandidates = 2, UserCandidates = 2 })
            .OptimizeAsync(MetaSpoFixture.Request(Source(2), [], out _, seed: 14, trainSize: 15, testSize: 20));

        var a = await RunAsync();
        var b = await RunAsync();
        Assert.Equal(a.BestPrompt, b.BestPrompt);
        Assert.Equal(a.Candidates.Select(c => (c.Prompt, c.TrainScore, c.Accepted)), b.Candidates.Select(c => (c.Prompt, c.TrainScore, c.Accepted)));
    }

    [Fact]
    public async Task OptimizeAsync_Concurrency1And32_SameRun()
    {
        // The concurrency is a speed setting only (the CLI's --concurrency sets the throttle and the evaluation fan-out):
        // every task of a round runs at once at 32 and one call at a time at 1, and the run must not change.
        async Task<OptimizationResult> RunAsync(int concurrency) => await new MetaSpoOptimizer(new MetaSpoOptions { Iterations = 1, SystemCandidates = 2, UserCandidates = 2 })
            .OptimizeAsync(MetaSpoFixture.Request(Source(2), [], out _, seed: 14, trainSize: 15, testSize: 20, maxConcurrency: concurrency, evaluationConcurrency: concurrency));

        var one = await RunAsync(1);
        var many = await RunAsync(32);
        Assert.Equal(one.BestPrompt, many.BestPrompt);
        Assert.Equal(one.Candidates.Select(c => (c.Id, c.ParentId, c.Operation, c.Prompt, c.TrainScore, c.Accepted)),
            many.Candidates.Select(c => (c.Id, c.ParentId, c.Operation, c.Prompt, c.TrainScore, c.Accepted)));
        Assert.Equal(one.Trajectory.Select(p => (p.Calls, p.BestTrainScore, p.TestScore)), many.Trajectory.Select(p => (p.Calls, p.BestTrainScore, p.TestScore)));
        Assert.Equal(one.Usage.For(ModelRoles.Task).Calls, many.Usage.For(ModelRoles.Task).Calls);
        Assert.Equal(one.Usage.For(ModelRoles.Optimizer).Calls, many.Usage.For(ModelRoles.Optimizer).Calls);
        Assert.True(one.Candidates.Count > 2, "the run should make candidates");
    }

    [Fact]
    public async Task OptimizeAsync_ThroughRegistry_UsesSettings()
    {
        var optimizer = OptimizerRegistry.Create("metaspo", new Dictionary<string, string> { ["variant"] = "outer-only", ["iterations"] = "1", ["system-candidates"] = "2" });
        var result = await optimizer.OptimizeAsync(MetaSpoFixture.Request(Source(2), [], out _, seed: 15, trainSize: 15, testSize: 20));

        Assert.Equal("metaspo", result.Method);
        Assert.Equal(2, result.Trajectory.Count(p => p.TestScore is null) - 1); // start + 2 outer steps
        Assert.InRange(result.Candidates.Count(c => c.Operation == "system_generate"), 1, 4); // 2 outer steps × up to 2 candidates
    }

    private sealed class RecordingClient(IChatClient inner) : DelegatingChatClient(inner)
    {
        public List<IList<ChatMessage>> Calls { get; } = [];

        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            lock (Calls)
            {
                Calls.Add(list);
            }

            return base.GetResponseAsync(list, options, cancellationToken);
        }
    }
}
