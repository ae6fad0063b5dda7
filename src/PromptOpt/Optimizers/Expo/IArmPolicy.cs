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
