using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Storage;

namespace PromptOpt;

/// <summary>
/// The short way to optimize a prompt from C#: any <see cref="IChatClient"/> (OpenAI, Azure OpenAI, Ollama, … or PromptOpt's
/// simulator), a task, a method and a budget → the best prompt. It puts each model inside PromptOpt's middleware (GenAI
/// telemetry, usage metering and the budget, the optional response cache, a concurrency limit, retry of transient failures
/// honouring <c>Retry-After</c>) and runs the method (<see cref="OptimizerRegistry"/>).
/// </summary>
/// <example>
/// <code>
/// IChatClient model = new OpenAIClient(key).GetChatClient("gpt-4o-mini").AsIChatClient();
/// TaskDefinition task = TaskCatalog.Resolve("data/reviews", seed: 42);       // train.jsonl + test.jsonl (+ README.md)
/// OptimizationResult result = await PromptOptimizer.OptimizeAsync(model, task, new PromptOptimizerOptions
/// {
///     Method = "dual-phase",
///     Budget = new OptimizationBudget { MaxTaskCalls = 1500, MaxOptimizerCalls = 60 },
/// }, cancellationToken);
/// Console.WriteLine(result.BestPrompt.FullText);
/// </code>
/// </example>
public static class PromptOptimizer
{
    /// <summary>Runs <see cref="PromptOptimizerOptions.Method"/> on <paramref name="task"/> with <paramref name="taskModel"/>.</summary>
    /// <param name="taskModel">The model whose prompt is tuned (also the optimizer model unless <see cref="PromptOptimizerOptions.OptimizerModel"/> is set).</param>
    /// <param name="task">The task: data, metric, starting instruction (<see cref="TaskCatalog"/>, <see cref="DatasetTasks.FromDataset"/>).</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">Cancels the run; completed calls stay in <see cref="PromptOptimizerOptions.Cache"/> when one is given.</param>
    /// <returns>The result: best prompt, train and test scores next to the start prompt's, every candidate, usage, stop reason.</returns>
    /// <exception cref="PromptOptInputException">The method name or one of its options is unknown or invalid.</exception>
    /// <exception cref="ModelCallException">A model call failed permanently.</exception>
    public static async Task<OptimizationResult> OptimizeAsync(
        IChatClient taskModel, TaskDefinition task, PromptOptimizerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskModel);
        ArgumentNullException.ThrowIfNull(task);
        options ??= new PromptOptimizerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1);
        var optimizer = OptimizerRegistry.Create(options.Method, options.MethodOptions);
        var meter = new UsageMeter(options.Budget, options.Prices);
        var tuned = Pipeline(taskModel, ModelRoles.Task, meter, options);
        var proposer = options.OptimizerModel is null ? tuned : Pipeline(options.OptimizerModel, ModelRoles.Optimizer, meter, options);
        var request = new OptimizationRequest
        {
            Task = task,
            StartPrompt = options.StartPrompt,
            TaskModel = tuned,
            OptimizerModel = proposer,
            Usage = meter,
            Seed = options.Seed,
            TrainSize = options.TrainSize,
            TestSize = options.TestSize,
            EvaluateOnTest = options.TestSize is > 0,
            Evaluation = new EvaluationOptions { MaxConcurrency = options.MaxConcurrency },
            Progress = options.Progress,
        };
        return await optimizer.OptimizeAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scores one prompt on a task's split with <paramref name="model"/> (inside the same middleware).</summary>
    /// <param name="model">The model.</param>
    /// <param name="task">The task.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="split">The split.</param>
    /// <param name="options">The options (cache, concurrency, retry; the budget applies), or <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The aggregate score and every example's result.</returns>
    public static Task<EvaluationResult> EvaluateAsync(
        IChatClient model, TaskDefinition task, Prompt prompt, DataSplit split = DataSplit.Test, PromptOptimizerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= new PromptOptimizerOptions();
        var client = Pipeline(model, ModelRoles.Task, new UsageMeter(options.Budget, options.Prices), options);
        return Evaluator.EvaluateAsync(client, prompt, task.Dataset.GetSplit(split), task.Metric,
            new EvaluationOptions { MaxConcurrency = options.MaxConcurrency }, cancellationToken);
    }

    private static IChatClient Pipeline(IChatClient model, string role, UsageMeter meter, PromptOptimizerOptions options)
    {
        var builder = new ChatClientBuilder(model).UsePromptOptTelemetry().UseUsageTracking(meter, role);
        if (options.Cache is { } cache)
        {
            builder.UseResponseCache(cache);
        }

        return builder.UseConcurrencyLimit(options.MaxConcurrency).UseResilience(options.Retry, options.TimeProvider, meter, role).Build();
    }
}

/// <summary>Options of <see cref="PromptOptimizer"/>. Every property has a working default.</summary>
public sealed class PromptOptimizerOptions
{
    /// <summary>Gets or sets the method: one of <see cref="OptimizerRegistry.Names"/> (e.g. <c>dual-phase</c>, <c>ape</c>, <c>opro</c>, <c>protegi</c>).</summary>
    /// <value>The default is <c>dual-phase</c>.</value>
    public string Method { get; set; } = "dual-phase";

    /// <summary>Gets or sets the method's options as key/value text (e.g. <c>max-steps</c> = <c>3</c>), or <see langword="null"/> for its defaults.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyDictionary<string, string>? MethodOptions { get; set; }

    /// <summary>Gets or sets the model that analyses failures and writes candidates, or <see langword="null"/> to use the task model.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IChatClient? OptimizerModel { get; set; }

    /// <summary>Gets or sets the budget: the run stops cleanly (stop reason <c>budget</c>) when a limit is reached.</summary>
    /// <value>The default is <see cref="OptimizationBudget.Unlimited"/>.</value>
    public OptimizationBudget Budget { get; set; } = OptimizationBudget.Unlimited;

    /// <summary>Gets or sets the prices used for dollar estimates and budgets, or <see langword="null"/> for the built-in table.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public PriceTable? Prices { get; set; }

    /// <summary>
    /// Gets or sets the response cache (e.g. <c>new PromptOptStore(".promptopt/promptopt.db")</c>), or <see langword="null"/>
    /// for none. With one, a repeated or resumed run pays for no call twice.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IResponseCache? Cache { get; set; }

    /// <summary>Gets or sets the maximum number of concurrent calls per model.</summary>
    /// <value>The default is 8.</value>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Gets or sets the retry policy of transient failures (429 with <c>Retry-After</c>, 5xx, timeouts), on top of the client's own.</summary>
    /// <value>The default is <c>new ModelRetryOptions()</c>.</value>
    public ModelRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the clock of retry delays.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the seed of every random choice.</summary>
    /// <value>The default is 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets how many training examples each candidate is scored on.</summary>
    /// <value>The default is 50.</value>
    public int TrainSize { get; set; } = 50;

    /// <summary>Gets or sets how many test examples score the start and best prompts at the end (not charged to the budget), or 0 for none.</summary>
    /// <value>The default is 200.</value>
    public int TestSize { get; set; } = 200;

    /// <summary>Gets or sets the starting prompt, or <see langword="null"/> for the task's one-line instruction.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Prompt? StartPrompt { get; set; }

    /// <summary>Gets or sets the receiver of progress events (<see cref="StepCompleted"/>, <see cref="CandidateEvaluated"/>, …), or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IProgress<OptimizationEvent>? Progress { get; set; }
}
