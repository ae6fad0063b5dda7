namespace PromptOpt.Optimizers;

/// <summary>
/// A named ablation of a method (e.g. <c>dual-phase:no-initial</c>): the method with some options fixed, registered in
/// <see cref="OptimizerRegistry"/> under its own name so it runs like a method in <c>optimize</c> and <c>compare</c>,
/// and its results carry that name.
/// </summary>
/// <param name="name">The variant's name (<c>method:variant</c>).</param>
/// <param name="inner">The configured method.</param>
internal sealed class NamedVariant(string name, IPromptOptimizer inner) : IPromptOptimizer, IStepCost
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public (long TaskCalls, long OptimizerCalls) MinimumRun(int trainSize) =>
        inner is IStepCost cost ? cost.MinimumRun(trainSize) : (0, 0);

    /// <inheritdoc/>
    public async Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default) =>
        await inner.OptimizeAsync(request, cancellationToken).ConfigureAwait(false) with { Method = name };
}
