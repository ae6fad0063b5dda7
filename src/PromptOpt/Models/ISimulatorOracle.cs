using PromptOpt.Prompts;

namespace PromptOpt.Models;

/// <summary>
/// The simulator's oracle (SIMULATOR.md realism item 11): for a task it knows, the best hand-written prompt — every
/// description of every skill the task needs, plus the answer format. A simulated chat client exposes it through
/// <see cref="Microsoft.Extensions.AI.IChatClient.GetService"/> (<c>GetService(typeof(ISimulatorOracle))</c>, which the
/// middleware pipeline forwards to the provider); a real model has none. <c>promptopt compare</c> reports each method's
/// test score as a fraction of the oracle prompt's and the calls it needed to reach 90 % of it.
/// </summary>
public interface ISimulatorOracle
{
    /// <summary>Gets the oracle prompt of a task, or <see langword="null"/> when the simulator does not know the task.</summary>
    /// <param name="task">The task name.</param>
    /// <returns>The prompt (with the question placeholder).</returns>
    Prompt? GetOraclePrompt(string task);
}
