namespace PromptOpt.Optimizers;

/// <summary>
/// One contract for online decision optimizers (EXPO, EXPO-ES and their baselines): methods that tune an LLM agent's
/// meta-prompt <em>while</em> it acts in a sequential decision-making environment. Unlike <see cref="IPromptOptimizer"/>
/// there is no train/test split: the agent's performance during the run is the objective (ALGORITHMS.md §1.2 step 4).
/// </summary>
public interface IDecisionOptimizer
{
    /// <summary>Gets the method name as used on the command line (e.g. <c>expo</c>).</summary>
    string Name { get; }

    /// <summary>Runs the method in the request's environment.</summary>
    /// <param name="request">The environment, models, budget, seed and number of steps.</param>
    /// <param name="cancellationToken">Cancels the run; a cancelled run can be replayed from the response cache.</param>
    /// <returns>
    /// The immutable result: <see cref="OptimizationResult.StartPrompt"/> is the original meta-prompt and
    /// <see cref="OptimizationResult.BestPrompt"/> the winning arm, both as <see cref="DecisionRequest.ToPrompt"/> renders
    /// them; the trajectory and <see cref="OptimizationResult.Details"/> follow <c>Reporting/README-details.md</c>.
    /// </returns>
    Task<OptimizationResult> OptimizeAsync(DecisionRequest request, CancellationToken cancellationToken = default);
}
