using PromptOpt.Models;

namespace PromptOpt.Simulation;

/// <summary>
/// PLACEHOLDER for the simulated EXPO agent (SIMULATOR.md, "Agent role"); the EXPO work replaces this file with the
/// real policy. Until then every action is unparseable, which environments score as their worst reward.
/// </summary>
public static class SimulatedAgent
{
    /// <summary>The reply of the placeholder agent.</summary>
    public const string UnparseableReply = "unparseable";

    /// <summary>Acts in an environment: returns the agent's reply text for the operation.</summary>
    /// <param name="operation">The agent operation (<c>agent_act</c>) with the environment state in its arguments.</param>
    /// <param name="metaPromptText">The full text of the request (system and user messages).</param>
    /// <param name="options">The simulator options (<see cref="SimOptions.Seed"/> seeds the draws).</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <returns>The reply text.</returns>
    public static string Act(LlmOperation operation, string metaPromptText, SimOptions options, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return UnparseableReply;
    }
}
