using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Prompts;
using PromptOpt.Simulation;

namespace PromptOpt.Cli;

/// <summary>
/// Finds the simulator's oracle behind a chat client (<see cref="ISimulatorOracle"/>). A simulator that implements the
/// seam answers it itself; for today's simulator (v1, which does not), this adapter builds the oracle prompt from the
/// world's inspection data: the task's one-line instruction, one phrasing of every task skill it declares or derives,
/// and the answer-format line. Delete the adapter once the simulator exposes <see cref="ISimulatorOracle"/>.
/// </summary>
internal static class SimulatorOracles
{
    /// <summary>Gets the oracle behind <paramref name="client"/>, or <see langword="null"/> (a real model, or the simulator over HTTP).</summary>
    /// <param name="client">The task model's pipeline.</param>
    /// <param name="tasks">The task definitions (instruction and answer format) by name.</param>
    /// <returns>The oracle.</returns>
    public static ISimulatorOracle? Find(IChatClient client, IReadOnlyDictionary<string, Data.TaskDefinition> tasks)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.GetService(typeof(ISimulatorOracle)) is ISimulatorOracle oracle)
        {
            return oracle;
        }

        return client.GetService(typeof(SimulatedWorld)) is SimulatedWorld world ? new WorldOracle(world, tasks) : null;
    }

    private sealed class WorldOracle(SimulatedWorld world, IReadOnlyDictionary<string, Data.TaskDefinition> tasks) : ISimulatorOracle
    {
        public Prompt? GetOraclePrompt(string task)
        {
            if (!world.HasTask(task) || !tasks.TryGetValue(task, out var definition))
            {
                return null;
            }

            var lines = new List<string> { definition.DefaultInstruction.Replace(Prompt.QuestionPlaceholder, string.Empty, StringComparison.Ordinal).Trim() };
            lines.AddRange(world.GetTaskSkills(task).Select(s => s.Phrasings.Count > 0 ? s.Phrasings[0] : s.Triggers.Count > 0 ? s.Triggers[0] : null).OfType<string>());
            lines.Add(definition.AnswerFormat.Trim());
            return Prompt.FromInstruction(string.Join("\n", lines.Where(l => l.Length > 0)));
        }
    }
}
