using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// EXPO, EXPO-ES or one of their baselines behind the <see cref="IDecisionOptimizer"/> contract: resolves the
/// environment, builds the domain with the optimizer model (the shared GenerateVariants operation) unless a domain
/// source is given, runs the <see cref="ExpoController"/> and turns its run into an <see cref="OptimizationResult"/>
/// (<see cref="ExpoResults"/>).
/// </summary>
/// <remarks>Cost: one agent call per step (twice that with <see cref="ExpoOptions.CompareWithOriginal"/>) plus two
/// optimizer calls for the variants (none for <c>expo-fixed</c>). A spent budget stops the run cleanly.</remarks>
public sealed class ExpoOptimizer : IDecisionOptimizer
{
    private readonly IExpoDomainSource? _domainSource;

    /// <summary>Initializes a new instance of the <see cref="ExpoOptimizer"/> class.</summary>
    /// <param name="options">The options (their <see cref="ExpoOptions.Strategy"/> picks the method), or <see langword="null"/> for EXPO's defaults.</param>
    /// <param name="domainSource">The source of the D and I variants, or <see langword="null"/> to write them with the request's optimizer model.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ExpoOptimizer(ExpoOptions? options = null, IExpoDomainSource? domainSource = null)
    {
        Options = options ?? new();
        Options.Validate();
        _domainSource = domainSource;
    }

    /// <summary>Gets the options.</summary>
    public ExpoOptions Options { get; }

    /// <inheritdoc/>
    public string Name => ExpoNames.Of(Options.Strategy);

    /// <inheritdoc/>
    public async Task<OptimizationResult> OptimizeAsync(DecisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Steps is < 1)
        {
            throw new PromptOptInputException($"steps must be at least 1 (got {request.Steps})");
        }

        var environment = request.ResolveEnvironment();
        var options = request.Steps is { } steps ? Options with { Steps = steps } : Options;
        var source = _domainSource ?? new LlmExpoDomainSource(new PromptOperations(request.OptimizerModel));
        var controller = new ExpoController(request.AgentModel, request.Embedder ?? new HashingEmbeddingGenerator(), source, options, request.Usage, request.Checkpoints);
        var run = await controller.RunAsync(environment, request.Seed, request.Progress, cancellationToken).ConfigureAwait(false);
        return ExpoResults.ToOptimizationResult(run, request);
    }
}
