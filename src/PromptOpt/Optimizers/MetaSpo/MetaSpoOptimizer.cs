namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>
/// MetaSPO, system prompt optimization with meta-learning (ALGORITHMS.md section 3, with the defaults of 3.4 and the
/// decisions of section 5): one system prompt is optimized across the request's <see cref="OptimizationRequest.SourceTasks"/>
/// (an inner loop improves each task's beam of user prompts, an outer loop rewrites the system prompt from failures
/// pooled over all tasks and keeps the candidate with the strictly best mean score over all (task, user prompt) nodes),
/// then, when <see cref="OptimizationRequest.UnseenTasks"/> are given, the unseen-generalization protocol (and, as an
/// option, test-time adaptation) measures how it transfers.
/// </summary>
/// <remarks>
/// <para>Request mapping: every source task gets its own <see cref="OptimizationSession"/> (its V of
/// <see cref="OptimizationRequest.TrainSize"/> examples, its test set, memoised evaluation); the first source task's session
/// is the run's (seeded random source, candidate records, events, trajectory, final test scores). With no source tasks,
/// <see cref="OptimizationRequest.Task"/> is the only one. A task's initial user prompt is
/// <see cref="MetaSpoPrompts.InitialUserPrompt"/>; <see cref="OptimizationRequest.StartPrompt"/>, when set, supplies the first
/// task's user prompt. The initial system prompt is <see cref="MetaSpoOptions.InitialSystemPrompt"/>.</para>
/// <para>The result: <see cref="OptimizationResult.BestPrompt"/> is (optimized system prompt, the first task's best user
/// prompt), and its train/test scores are the first task's; the trajectory tracks the meta-score. Everything else is in
/// <see cref="OptimizationResult.Details"/> (keys in <see cref="MetaSpoDetails"/>); read it back typed with
/// <see cref="MetaSpoOutcome.From"/>.</para>
/// </remarks>
public sealed class MetaSpoOptimizer : IPromptOptimizer
{
    /// <summary>The method name.</summary>
    public const string MethodName = "metaspo";

    /// <summary>Initializes a new instance of the <see cref="MetaSpoOptimizer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <exception cref="PromptOptInputException">The options are invalid (all problems in one message).</exception>
    public MetaSpoOptimizer(MetaSpoOptions? options = null)
    {
        Options = options ?? new MetaSpoOptions();
        OptionsValidation.Validate(Options);
    }

    /// <inheritdoc />
    public string Name => MethodName;

    /// <summary>Gets the options.</summary>
    public MetaSpoOptions Options { get; }

    /// <summary>Creates the optimizer from key/value settings (the registry's factory).</summary>
    /// <param name="settings">The settings, or <see langword="null"/>.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="PromptOptInputException">An unknown key or an invalid value.</exception>
    public static MetaSpoOptimizer Create(IReadOnlyDictionary<string, string>? settings)
    {
        var options = new MetaSpoOptions();
        BudgetPlanning.BindScaled(options, settings, scale => options.ScaleToBudget = scale, nameof(MetaSpoOptions.Iterations));
        return new MetaSpoOptimizer(options);
    }

    /// <inheritdoc />
    public Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new MetaSpoRun(request, Options).RunAsync(cancellationToken);
    }
}
