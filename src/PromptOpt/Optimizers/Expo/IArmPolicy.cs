namespace PromptOpt.Optimizers.Expo;

/// <summary>An arm-selection policy over a fixed set of K arms: a distribution each step, updated with the observed reward.</summary>
internal interface IArmPolicy
{
    /// <summary>Gets the current sampling distribution P_t over the arms.</summary>
    /// <returns>The probabilities (sum 1).</returns>
    double[] Probabilities();

    /// <summary>Updates the policy after playing <paramref name="arm"/> with probability <paramref name="probability"/> and observing <paramref name="reward"/>.</summary>
    /// <param name="arm">The arm played.</param>
    /// <param name="reward">The normalised reward in [0, 1].</param>
    /// <param name="probability">P_t(arm).</param>
    void Update(int arm, double reward, double probability);
}

/// <summary>
/// An arm policy that can start the work of its coming <see cref="IArmPolicy.Update"/> while the agent acts, for each reward
/// the step can score, and keep the work that matches: the same result, sooner.
/// </summary>
internal interface ISpeculativeArmPolicy : IArmPolicy
{
    /// <summary>Starts the coming update's work for each of <paramref name="rewards"/> (it may decline).</summary>
    /// <param name="arm">The arm being played.</param>
    /// <param name="probability">P_t(arm).</param>
    /// <param name="rewards">The rewards the step can score.</param>
    void Speculate(int arm, double probability, IReadOnlyList<double> rewards);

    /// <summary>Gets how long the last update's work took (wall clock), to weigh against the agent's reply time.</summary>
    TimeSpan LastFitDuration { get; }

    /// <summary>Completes when the work started by <see cref="Speculate"/> has finished; never faults.</summary>
    /// <returns>A task.</returns>
    Task SettleAsync();
}
