namespace PromptOpt.Optimizers;

/// <summary>
/// Optional for an <see cref="IPromptOptimizer"/>: the calls its smallest meaningful run needs (the start prompt's
/// evaluation plus one step), so a caller can refuse a budget too small for it before the first call (<c>promptopt
/// compare</c> does). A method without it is never refused up front; its own announcement warns instead.
/// </summary>
public interface IStepCost
{
    /// <summary>Gets the task and optimizer calls of the start evaluation plus one step of the method's smallest plan.</summary>
    /// <param name="trainSize">|V|, the number of training examples each candidate is scored on.</param>
    /// <returns>The calls.</returns>
    (long TaskCalls, long OptimizerCalls) MinimumRun(int trainSize);
}
