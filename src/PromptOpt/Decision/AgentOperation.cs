using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Decision;

/// <summary>
/// The <c>agent_act</c> LLM operation: one step of an agent in an environment. Its arguments carry the environment's
/// structured state so the simulator can act on it; real providers ignore them and read the meta-prompt.
/// </summary>
/// <remarks>Arguments: <c>{environment: name, step: 1-based step, state: <see cref="DecisionEnvironment.GetAgentState"/>}</c>.</remarks>
public static class AgentOperation
{
    /// <summary>The operation name.</summary>
    public const string Name = OperationNames.AgentAct;

    /// <summary>Creates the operation for the next step of <paramref name="environment"/>.</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="exemplarSelection">The exemplar selection shown, or <see langword="null"/> for the default block.</param>
    /// <returns>The operation.</returns>
    public static LlmOperation Create(DecisionEnvironment environment, IReadOnlyList<int>? exemplarSelection = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new LlmOperation(Name, new JsonObject
        {
            ["environment"] = environment.Name,
            ["step"] = environment.StepCount + 1,
            ["state"] = environment.GetAgentState(exemplarSelection),
        });
    }
}
