using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers;

/// <summary>What to optimize, with which models, budget and seed. Method options live on the optimizer, not here.</summary>
/// <remarks>
/// Only the task and the task model have no default: <c>new OptimizationRequest(task, taskModel)</c>, or an object
/// initializer setting <see cref="Task"/> and <see cref="TaskModel"/>. <see cref="PromptOptimizer.OptimizeAsync"/> builds
/// one with the middleware pipelines and a shared <see cref="UsageMeter"/> for you.
/// </remarks>
public sealed class OptimizationRequest
{
    private readonly IChatClient? _optimizerModel;

    /// <summary>Initializes a new instance of the <see cref="OptimizationRequest"/> class; set <see cref="Task"/> and <see cref="TaskModel"/> in the initializer.</summary>
    public OptimizationRequest()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OptimizationRequest"/> class with the task and the models; every other setting has its default.</summary>
    /// <param name="task">The task.</param>
    /// <param name="taskModel">The task model (already wrapped in the middleware pipeline).</param>
    /// <param name="optimizerModel">The optimizer model, or <see langword="null"/> to use <paramref name="taskModel"/>.</param>
    /// <param name="usage">The usage meter the pipelines write to, or <see langword="null"/> for a fresh one without a budget.</param>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> or <paramref name="taskModel"/> is <see langword="null"/>.</exception>
    [SetsRequiredMembers]
    public OptimizationRequest(TaskDefinition task, IChatClient taskModel, IChatClient? optimizerModel = null, UsageMeter? usage = null)
    {
        Task = task ?? throw new ArgumentNullException(nameof(task));
        TaskModel = taskModel ?? throw new ArgumentNullException(nameof(taskModel));
        _optimizerModel = optimizerModel;
        Usage = usage ?? new UsageMeter();
    }

    /// <summary>Gets the task (for MetaSPO: the first source task; see <see cref="SourceTasks"/>).</summary>
    public required TaskDefinition Task { get; init; }

    /// <summary>Gets the starting prompt; <see langword="null"/> uses the task's start prompt (<see cref="TaskDefinition.StartPrompt"/>: one-line instruction plus answer-format line).</summary>
    public Prompt? StartPrompt { get; init; }

    /// <summary>Gets the task model (already wrapped in the middleware pipeline).</summary>
    public required IChatClient TaskModel { get; init; }

    /// <summary>Gets the optimizer model (already wrapped in the middleware pipeline).</summary>
    /// <value>The default is <see cref="TaskModel"/>.</value>
    public IChatClient OptimizerModel
    {
        get => _optimizerModel ?? TaskModel;
        init => _optimizerModel = value;
    }

    /// <summary>
    /// Gets the usage meter shared by both pipelines (the source of usage snapshots and budget checks): the meter their
    /// <c>UseUsageTracking</c> writes to. A meter no pipeline writes to reads zero usage and enforces no budget.
    /// </summary>
    /// <value>The default is a fresh <see cref="UsageMeter"/> without a budget.</value>
    public UsageMeter Usage { get; init; } = new();

    /// <summary>Gets the seed; every random choice of the run derives from it.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the number of training examples the optimizer evaluates on (the evaluation set V).</summary>
    /// <value>The default is 50.</value>
    public int TrainSize { get; init; } = 50;

    /// <summary>Gets the maximum number of test examples for the final scores; <see langword="null"/> = the whole test split.</summary>
    /// <value>The default is 200.</value>
    public int? TestSize { get; init; } = 200;

    /// <summary>Gets whether to measure test scores of the start and best prompts at the end.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EvaluateOnTest { get; init; } = true;

    /// <summary>Gets the evaluation options (concurrency, error budget).</summary>
    public EvaluationOptions Evaluation { get; init; } = new();

    /// <summary>Gets the progress sink, or <see langword="null"/>.</summary>
    public IProgress<OptimizationEvent>? Progress { get; init; }

    /// <summary>Gets the MetaSPO source (meta-train) tasks; empty for single-task methods.</summary>
    public IReadOnlyList<TaskDefinition> SourceTasks { get; init; } = [];

    /// <summary>Gets the MetaSPO unseen (meta-test) tasks; empty for single-task methods.</summary>
    public IReadOnlyList<TaskDefinition> UnseenTasks { get; init; } = [];

    /// <summary>Gets the effective starting prompt.</summary>
    public Prompt EffectiveStartPrompt => StartPrompt ?? Task.StartPrompt;

    /// <summary>
    /// Returns a copy of this request for another task (every other setting shared), so a multi-task method such as
    /// MetaSPO can give each task its own <see cref="OptimizationSession"/> (its own V, test set and memoised evaluation).
    /// Keep this copy in step when adding a property.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="startPrompt">The task's starting prompt, or <see langword="null"/> for its <see cref="TaskDefinition.StartPrompt"/>.</param>
    /// <param name="keepProgress">Whether the copy reports to <see cref="Progress"/> (false for a nested run whose own events would confuse the host).</param>
    /// <returns>The copy.</returns>
    public OptimizationRequest ForTask(TaskDefinition task, Prompt? startPrompt = null, bool keepProgress = true) => new()
    {
        Task = task ?? throw new ArgumentNullException(nameof(task)),
        StartPrompt = startPrompt,
        TaskModel = TaskModel,
        OptimizerModel = OptimizerModel,
        Usage = Usage,
        Seed = Seed,
        TrainSize = TrainSize,
        TestSize = TestSize,
        EvaluateOnTest = EvaluateOnTest,
        Evaluation = Evaluation,
        Progress = keepProgress ? Progress : null,
        SourceTasks = SourceTasks,
        UnseenTasks = UnseenTasks,
    };
}
