namespace PromptOpt.Optimizers;

/// <summary>One contract for every prompt optimizer (Dual-Phase, MetaSPO, APE, OPRO, ProTeGi).</summary>
public interface IPromptOptimizer
{
    /// <summary>Gets the method name as used on the command line (e.g. <c>dual-phase</c>).</summary>
    string Name { get; }

    /// <summary>Runs the optimization.</summary>
    /// <param name="request">What to optimize, with which models, budget and seed.</param>
    /// <param name="cancellationToken">Cancels the run; a cancelled run can be resumed from the cache.</param>
    /// <returns>The immutable result.</returns>
    Task<OptimizationResult> OptimizeAsync(OptimizationRequest request, CancellationToken cancellationToken = default);
}
