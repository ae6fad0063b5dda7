using PromptOpt.Models;
using static PromptOpt.Optimizers.Baselines.BaselineSupport;

namespace PromptOpt.Optimizers.Gepa;

/// <summary>
/// GEPA (Agrawal et al. 2025, arXiv 2507.19457) as ALGORITHMS.md 6 gives it, for one task with two components (the
/// user prompt and the system prompt): a pool of candidates scored per example on the Pareto set (the dev set,
/// <see cref="DevSplit"/>); each iteration selects a parent from the instance-level Pareto frontier
/// (<see cref="ParetoFrontier"/>), picks its next component round robin, runs it on a minibatch of training examples,
/// asks the reflection model for a new text of that component from each example's input, response, expected answer and
/// the metric's textual feedback, and accepts the child only if its minibatch sum beats the parent's, then scores it on
/// the whole Pareto set. After successful mutations it merges (<see cref="GepaMerge"/>, at most
/// <see cref="GepaOptions.MaxMerges"/>). It stops on its metric-call budget, PromptOpt's budgets, no improvement for
/// <see cref="GepaOptions.StopAfterNoImprovement"/> iterations, or Ctrl-C (resumable from the cache). The result is the
/// candidate with the best score on the Pareto set.
/// </summary>
/// <remarks>
/// Details: <c>pareto_set</c>, <c>feedback_set</c>, <c>metric_budget</c>, <c>iterations</c> (per iteration: <c>iteration</c>,
/// <c>kind</c> mutation|merge|skip, <c>parents</c>, <c>component</c>, <c>parent_minibatch</c>, <c>child_minibatch</c>,
/// <c>child</c>, <c>accepted</c>, <c>best</c>, <c>best_score</c>, <c>frontier</c>, <c>metric_calls</c>), <c>reflections</c>
/// (<c>iteration</c>, <c>parent</c>, <c>component</c>, <c>feedback</c>, <c>child</c>) and <c>lineage</c> (each pool member:
/// <c>candidate</c>, <c>parents</c>, <c>operation</c>, <c>score</c>, <c>wins</c>). Candidate numbers are the run's candidate ids.
/// </remarks>
public sealed class GepaOptimizer : IPromptOptimizer
{
    /// <summary>The method name used on the command line.</summary>
    public const string MethodName = "gepa";

    /// <summary>The one-line description shown by the command line.</summary>
    public const string Description = "GEPA: reflective evolution of the system and user prompts with textual feedback and a Pareto frontier (Agrawal et al. 2025)";

    /// <summary>Initializes a new instance of the <see cref="GepaOptimizer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="PromptOptInputException">An option is invalid (all problems in one message).</exception>
    public GepaOptimizer(GepaOptions? options = null)
    {
        Options = options ?? new GepaOptions();
        OptionsValidation.Validate(Options);
        if (Options.MaxMetricCalls is not null && Options.Auto is not null)
        {
            throw new PromptOptInputException("invalid GepaOptions: give max-metric-calls or auto, not both");
        }
    }

    /// <inheritdoc />
    public string Name => MethodName;

    /// <summary>Gets the options.</summary>
    public GepaOptions Options { get; }

    /// <summary>Creates the optimizer with key/value settings bound to its options (see <see cref="OptionsValidation.Bind"/>).</summary>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="PromptOptInputException">An unknown key or an invalid value (all problems in one message).</exception>
    public static GepaOptimizer FromSettings(IReadOnlyDictionary<string, string>? settings)
    {
        var options = new GepaOptions();
        OptionsValidation.Bind(options, settings);
        return new GepaOptimizer(options);
    }

    /// <inheritdoc />
    public async Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        OptionsValidation.Validate(Options);
        var session = new OptimizationSession(MethodName, request);
        var (dev, feedback) = DevSplit.Of(session);
        int metricBudget = ResolveMetricCalls(Options, request.Usage.Budget, dev.Count);
        var budget = request.Usage.Budget;
        int m = Math.Min(Options.MinibatchSize, feedback.Count);

        // Pre-flight: every metric call is a task call; each iteration costs at least 2m task calls and one reflection.
        long iterations = Math.Max(1, (metricBudget - dev.Count) / Math.Max(1, 2 * m));
        session.Announce(Cap(metricBudget, budget.MaxTaskCalls), Cap(iterations, budget.MaxOptimizerCalls), dev.Count + (2L * m) + dev.Count, 1);
        session.ScoreStartOnTestEarly(cancellationToken); // issue 17: fills the slots the loop leaves idle
        var run = new GepaRun(session, Options, CreateOperations(session, Options.Temperature), dev, feedback, metricBudget);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves the metric-call budget: <see cref="GepaOptions.MaxMetricCalls"/>; else <see cref="GepaOptions.Auto"/>'s
    /// DSPy <c>auto_budget</c>; else a task-call budget of the run; else the light preset.
    /// </summary>
    /// <param name="o">The options.</param>
    /// <param name="budget">The run's budget.</param>
    /// <param name="devSize">|D_pareto|.</param>
    /// <returns>The metric calls.</returns>
    internal static int ResolveMetricCalls(GepaOptions o, OptimizationBudget budget, int devSize)
    {
        if (o.MaxMetricCalls is { } calls)
        {
            return calls;
        }

        if (o.Auto is null && budget.MaxTaskCalls is { } t)
        {
            return (int)Math.Clamp(t, 1, int.MaxValue);
        }

        return GepaOptions.AutoBudget(GepaOptions.PresetCandidates[(int)(o.Auto ?? AutoPreset.Light)], 2, devSize);
    }
}
