using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers;

/// <summary>
/// The shared machinery of one optimization run, used by every method so that none re-implements it: the seeded
/// random source, the training subset V and the test subset, memoised evaluation (a prompt is never paid for twice
/// on the same examples), candidate records with lineage, the score-versus-calls trajectory, progress events, and
/// the final test scoring. Methods own only their search logic.
/// </summary>
public sealed class OptimizationSession
{
    private readonly ConcurrentDictionary<(string Prompt, string Set), Task<EvaluationResult>> _memo = new();
    private readonly List<CandidateRecord> _candidates = [];
    private readonly List<TrajectoryPoint> _trajectory = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _candidateIds = new(StringComparer.Ordinal);
    private Task<EvaluationResult>? _startTest;
    private bool _testRoleBefore; // whether the meter had a test role when the start prompt's test scoring began early
    private RoleUsage _testUsageBefore = RoleUsage.Empty;

    /// <summary>Initializes a new instance of the <see cref="OptimizationSession"/> class.</summary>
    /// <param name="method">The method name.</param>
    /// <param name="request">The request.</param>
    public OptimizationSession(string method, OptimizationRequest request)
    {
        Method = method ?? throw new ArgumentNullException(nameof(method));
        Request = request ?? throw new ArgumentNullException(nameof(request));
        Rng = new Random(request.Seed);
        TrainSet = SampleTrain(request.Task, request.TrainSize, request.Seed);
        TestSet = request.TestSize is { } n ? request.Task.Dataset.Test.Take(n).ToList() : request.Task.Dataset.Test;
        StartPrompt = request.EffectiveStartPrompt;
        StartPrompt.EnsureDemosOutside(request.Task.Dataset.Test, $"task '{request.Task.Name}''s test split");
    }

    /// <summary>Gets the method name.</summary>
    public string Method { get; }

    /// <summary>Gets the request.</summary>
    public OptimizationRequest Request { get; }

    /// <summary>Gets the run's one seeded random source; every random choice of the method draws from it, in order.</summary>
    public Random Rng { get; }

    /// <summary>Gets the evaluation set V: <see cref="OptimizationRequest.TrainSize"/> training examples (seeded sample).</summary>
    public IReadOnlyList<Example> TrainSet { get; }

    /// <summary>Gets the held-out test examples used only for the final scores.</summary>
    public IReadOnlyList<Example> TestSet { get; }

    /// <summary>Gets the starting prompt.</summary>
    public Prompt StartPrompt { get; }

    /// <summary>
    /// Gets or sets the method's plan in words (e.g. "6 rounds, beam 2, 1 gradient, 1 paraphrase, 2 expansions; scaled to
    /// the budget"), recorded in the result's <c>budget</c> details and quoted by the spend warning.
    /// </summary>
    public string? Plan { get; set; }

    /// <summary>
    /// Gets or sets why the plan ended before the budget was spent (e.g. "the next round needs about 200 task calls; 150
    /// left"), quoted by the spend warning; <see langword="null"/> lets the stop reason speak.
    /// </summary>
    public string? PlanEnd { get; set; }

    /// <summary>Gets whether the method's plan scales to the budget (its <c>scale-to-budget</c> option is on and the budget limits calls).</summary>
    /// <param name="scaleToBudget">The method's option.</param>
    /// <returns><see langword="true"/> when the plan scales.</returns>
    public bool Scales(bool scaleToBudget) => scaleToBudget && BudgetPlanning.HasCallLimit(Request.Usage.Budget);

    /// <summary>Gets the candidates recorded so far.</summary>
    public IReadOnlyList<CandidateRecord> Candidates
    {
        get
        {
            lock (_gate)
            {
                return _candidates.ToList();
            }
        }
    }

    /// <summary>Gets the total logical calls made so far, over the charged roles.</summary>
    public long CallsUsed
    {
        get
        {
            var u = Request.Usage.Snapshot();
            return u.For(ModelRoles.Task).Calls + u.For(ModelRoles.Optimizer).Calls + u.For(ModelRoles.Agent).Calls;
        }
    }

    /// <summary>Takes a seeded sample of <paramref name="size"/> training examples (all when the split is smaller).</summary>
    /// <param name="task">The task.</param>
    /// <param name="size">The sample size.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The sample, in a seeded order.</returns>
    public static IReadOnlyList<Example> SampleTrain(TaskDefinition task, int size, int seed)
    {
        ArgumentNullException.ThrowIfNull(task);
        var train = task.Dataset.Train.ToArray();
        new Random(unchecked(seed * 7919 + 17)).Shuffle(train);
        return train.Take(Math.Max(1, size)).ToList();
    }

    /// <summary>Publishes a progress event.</summary>
    /// <param name="e">The event.</param>
    public void Emit(OptimizationEvent e) => Request.Progress?.Report(e);

    /// <summary>
    /// Announces the run: publishes <see cref="RunStarted"/> with the call estimate, and a warning when the budget cannot
    /// pay for one meaningful step (<paramref name="taskCallsPerStep"/>, <paramref name="optimizerCallsPerStep"/>).
    /// </summary>
    /// <param name="estimatedTaskCalls">Estimated task calls for the run.</param>
    /// <param name="estimatedOptimizerCalls">Estimated optimizer calls for the run.</param>
    /// <param name="taskCallsPerStep">Task calls needed for the start evaluation plus one step.</param>
    /// <param name="optimizerCallsPerStep">Optimizer calls needed for one step.</param>
    /// <returns>The warning, or <see langword="null"/> when the budget suffices for one step.</returns>
    public string? Announce(long estimatedTaskCalls, long estimatedOptimizerCalls, long taskCallsPerStep, long optimizerCallsPerStep)
    {
        var b = Request.Usage.Budget;
        string? warning = null;
        if ((b.MaxTaskCalls is { } t && t < taskCallsPerStep) || (b.MaxOptimizerCalls is { } o && o < optimizerCallsPerStep))
        {
            warning = $"the budget ({b}) is too small for one meaningful {Method} step, which needs about {taskCallsPerStep} task calls and {optimizerCallsPerStep} optimizer calls";
        }

        Emit(new RunStarted(Method, estimatedTaskCalls, estimatedOptimizerCalls, warning));
        return warning;
    }

    /// <summary>
    /// Evaluates a prompt on a set of examples with the task model. Results are memoised per (prompt, example set) for
    /// the run, and the response cache makes repeats free across runs.
    /// </summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="examples">The examples (e.g. <see cref="TrainSet"/> or a failure subset).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The evaluation.</returns>
    public Task<EvaluationResult> EvaluateAsync(Prompt prompt, IReadOnlyList<Example> examples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(examples);
        var key = (prompt.Key, string.Join('\u0001', examples.Select(e => e.Id)));
        if (_memo.TryGetValue(key, out var previous) && (previous.IsFaulted || previous.IsCanceled))
        {
            _memo.TryRemove(key, out _); // failures are never memoised, so a retry can succeed
        }

        return _memo.GetOrAdd(key, _ => Evaluator.EvaluateAsync(Request.TaskModel, prompt, examples, Request.Task.Metric, Request.Evaluation, cancellationToken));
    }

    /// <summary>
    /// Submits <paramref name="count"/> independent items of work (evaluations, or optimizer calls that do not wait for a
    /// score) to the run's evaluation queue: all at once when the budget cannot run out during them, else one at a time
    /// as they are read. Read the results in index order.
    /// </summary>
    /// <typeparam name="T">The item's result.</typeparam>
    /// <param name="count">The number of items.</param>
    /// <param name="taskCalls">The most task calls the items (and any work overlapping them) can make.</param>
    /// <param name="optimizerCalls">The most optimizer calls the items (and any work overlapping them) can make.</param>
    /// <param name="start">Starts item i.</param>
    /// <returns>The batch; dispose it with <c>await using</c>.</returns>
    internal EvaluationBatch<T> Batch<T>(int count, long taskCalls, long optimizerCalls, Func<int, Task<T>> start) =>
        new(count, BudgetPlanning.CannotRunOut(Request.Usage, taskCalls, optimizerCalls), start);

    /// <summary>
    /// Starts scoring the start prompt on the test set now, in the background (issue 17): it waits for no score, and test
    /// calls take a model slot only while no optimization call waits for one (<see cref="ThrottlingChatClient"/>), so they
    /// fill the slots the method leaves idle. <see cref="FinishAsync"/> uses the result; the calls are the ones it would
    /// make. Until the finish, step events report the test role's usage as it was here, as when the scoring ran last.
    /// Only for methods that make no other test call before the finish (else their events would count these calls).
    /// </summary>
    /// <param name="cancellationToken">The run's cancellation token.</param>
    internal void ScoreStartOnTestEarly(CancellationToken cancellationToken)
    {
        if (!Request.EvaluateOnTest || TestSet.Count == 0 || _startTest is not null)
        {
            return;
        }

        var before = Request.Usage.Snapshot();
        _testRoleBefore = before.ByRole.TryGetValue(ModelRoles.Test, out var usage);
        _testUsageBefore = usage ?? RoleUsage.Empty;
        _startTest = TestScoreAsync(StartPrompt, cancellationToken);
        _ = _startTest.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// The usage that step events report: the meter's, except that while the start prompt's test scoring runs early its test
    /// calls are left out until the finish, so events match a run that scores it last.
    /// </summary>
    /// <returns>The usage.</returns>
    private UsageSnapshot StepUsage()
    {
        var now = Request.Usage.Snapshot();
        if (_startTest is null)
        {
            return now;
        }

        // Until the finish the test role shows its usage from before (or is absent), as in a run that scores it last.
        var byRole = new Dictionary<string, RoleUsage>(StringComparer.Ordinal);
        foreach (var (role, usage) in now.ByRole)
        {
            if (role != ModelRoles.Test)
            {
                byRole[role] = usage;
            }
            else if (_testRoleBefore)
            {
                byRole[role] = _testUsageBefore;
            }
        }

        return new UsageSnapshot(byRole);
    }

    /// <summary>Records a candidate and publishes <see cref="CandidateEvaluated"/>.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="trainScore">Its score on V (or <see langword="null"/>).</param>
    /// <param name="parentId">The parent candidate id.</param>
    /// <param name="operation">The operation that produced it.</param>
    /// <param name="step">The step.</param>
    /// <param name="accepted">Whether it was kept.</param>
    /// <param name="note">Extra detail.</param>
    /// <returns>The record (its id is the creation index).</returns>
    public CandidateRecord AddCandidate(Prompt prompt, double? trainScore, int? parentId, string operation, int step, bool accepted, string? note = null)
    {
        CandidateRecord record;
        lock (_gate)
        {
            record = new CandidateRecord(_candidates.Count, prompt, trainScore, parentId, operation, step, accepted, note);
            _candidates.Add(record);
            _candidateIds.TryAdd(prompt.Key, record.Id);
        }

        Emit(new CandidateEvaluated(record));
        return record;
    }

    /// <summary>Marks a recorded candidate as accepted (or not).</summary>
    /// <param name="id">The candidate id.</param>
    /// <param name="accepted">The new flag.</param>
    public void SetAccepted(int id, bool accepted)
    {
        lock (_gate)
        {
            _candidates[id] = _candidates[id] with { Accepted = accepted };
        }
    }

    /// <summary>Returns whether an identical prompt was already recorded (to skip paying for duplicates).</summary>
    /// <param name="prompt">The prompt.</param>
    /// <returns><see langword="true"/> when seen.</returns>
    public bool HasSeen(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        lock (_gate)
        {
            return _candidateIds.ContainsKey(prompt.Key);
        }
    }

    /// <summary>Appends a trajectory point at the current call count.</summary>
    /// <param name="bestTrainScore">The best training score so far.</param>
    /// <param name="testScore">The incumbent's test score, when measured.</param>
    public void Track(double bestTrainScore, double? testScore = null)
    {
        var p = new TrajectoryPoint(CallsUsed, bestTrainScore, testScore);
        lock (_gate)
        {
            _trajectory.Add(p);
        }
    }

    /// <summary>Publishes <see cref="StepCompleted"/> and tracks the trajectory.</summary>
    /// <param name="step">The step.</param>
    /// <param name="bestTrainScore">The best score so far.</param>
    /// <param name="detail">A short summary.</param>
    public void CompleteStep(int step, double bestTrainScore, string? detail = null)
    {
        Track(bestTrainScore);
        Emit(new StepCompleted(step, bestTrainScore, StepUsage(), detail));
    }

    /// <summary>
    /// Finishes the run: scores the start and best prompts on the test set (under the <c>test</c> role, not charged to
    /// the budget) when requested, publishes <see cref="RunCompleted"/> and builds the immutable result.
    /// </summary>
    /// <param name="bestPrompt">The best prompt.</param>
    /// <param name="startTrainScore">The start prompt's score on V.</param>
    /// <param name="bestTrainScore">The best prompt's score on V.</param>
    /// <param name="stopReason">Why the run stopped.</param>
    /// <param name="details">Method-specific details for reports.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The result.</returns>
    public async Task<OptimizationResult> FinishAsync(Prompt bestPrompt, double startTrainScore, double bestTrainScore, string stopReason, JsonObject? details = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bestPrompt);
        double? startTest = null, bestTest = null;
        if (Request.EvaluateOnTest && TestSet.Count > 0)
        {
            // Both test evaluations at once (the test role is not charged to the budget, so it cannot stop either).
            var prompts = bestPrompt == StartPrompt ? new[] { StartPrompt } : [StartPrompt, bestPrompt];
            var early = _startTest is { IsFaulted: false, IsCanceled: false } ? _startTest : null; // a failure is scored again, as it would be here
            var tests = new EvaluationBatch<EvaluationResult>(prompts.Length, concurrent: true, i => i == 0 && early is not null ? early : TestScoreAsync(prompts[i], cancellationToken));
            await using var testsDrain = tests.ConfigureAwait(false);
            startTest = (await tests[0].ConfigureAwait(false)).Score;
            bestTest = prompts.Length == 1 ? startTest : (await tests[1].ConfigureAwait(false)).Score;
            Track(bestTrainScore, bestTest);
        }

        var spend = BudgetPlanning.Measure(Request.Usage.Budget, Request.Usage.Snapshot());
        var warning = SpendWarningFor(spend, stopReason);
        if (warning is not null)
        {
            Emit(new RunNotice("warning: " + warning));
        }

        details ??= [];
        var budgetJson = spend.ToJson();
        budgetJson["plan"] = Plan;
        budgetJson["warning"] = warning;
        details["budget"] = budgetJson;
        Emit(new RunCompleted(stopReason));
        return new OptimizationResult
        {
            Spend = spend,
            SpendWarning = warning,
            Method = Method,
            StartPrompt = StartPrompt,
            BestPrompt = bestPrompt,
            StartTrainScore = startTrainScore,
            BestTrainScore = bestTrainScore,
            StartTestScore = startTest,
            BestTestScore = bestTest,
            Candidates = Candidates,
            Trajectory = _trajectory.ToList(),
            Usage = Request.Usage.Snapshot(),
            Seed = Request.Seed,
            TaskModelId = ModelIdOf(Request.TaskModel),
            OptimizerModelId = ModelIdOf(Request.OptimizerModel),
            StopReason = stopReason,
            Details = details,
        };
    }

    /// <summary>The warning of a run that spent less than <see cref="BudgetPlanning.SpendWarningShare"/> of its budget, with why.</summary>
    private string? SpendWarningFor(BudgetSpend spend, string stopReason)
    {
        if (spend.Share is not { } share || share >= BudgetPlanning.SpendWarningShare)
        {
            return null;
        }

        string why = PlanEnd ?? stopReason switch
        {
            "no-failures" => "the prompt made no mistakes on the evaluation set, so there was nothing left to learn from",
            "no-sentences" => "the prompt has no editable sentence",
            "budget" => "a budget limit stopped it: " + spend,
            _ => Plan is null ? $"its plan ended (stop reason '{stopReason}')" : $"its plan ({Plan}) ended (stop reason '{stopReason}')",
        };
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Method} spent {share:P0} of its budget ({spend}): {why}");
    }

    /// <summary>Scores a prompt on the test set under the <c>test</c> role.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The evaluation.</returns>
    public Task<EvaluationResult> TestScoreAsync(Prompt prompt, CancellationToken cancellationToken = default)
    {
        var options = Request.Evaluation.Clone();
        options.Role = ModelRoles.Test;
        return Evaluator.EvaluateAsync(Request.TaskModel, prompt, TestSet, Request.Task.Metric, options, cancellationToken);
    }

    /// <summary>Gets a model's id from its metadata, or its type name.</summary>
    /// <param name="client">The client.</param>
    /// <returns>The id.</returns>
    public static string ModelIdOf(Microsoft.Extensions.AI.IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var meta = client.GetService(typeof(Microsoft.Extensions.AI.ChatClientMetadata)) as Microsoft.Extensions.AI.ChatClientMetadata;
        return meta?.DefaultModelId ?? meta?.ProviderName ?? client.GetType().Name;
    }
}
