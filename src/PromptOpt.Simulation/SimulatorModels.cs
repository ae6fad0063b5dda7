using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Models;

namespace PromptOpt.Simulation;

/// <summary>
/// Creates simulated models for the <c>sim</c> model specs. Plain <c>sim</c> is the world of the given options
/// (model id <see cref="SimOptions.ModelId"/>, <c>sim-1</c> by default); <c>sim:&lt;name&gt;</c> is a different but
/// statistically similar world: the seed is offset by a stable hash of the name and the model id is the name.
/// </summary>
public static class SimulatorModels
{
    /// <summary>Creates the world of a simulated model.</summary>
    /// <param name="tasks">The tasks whose examples make up the answer key.</param>
    /// <param name="modelName">The model name of <c>sim:&lt;name&gt;</c>, or <see langword="null"/> for plain <c>sim</c>.</param>
    /// <param name="options">The base options (not modified), or <see langword="null"/> for defaults.</param>
    /// <returns>The world.</returns>
    public static SimulatedWorld CreateWorld(IEnumerable<TaskDefinition> tasks, string? modelName = null, SimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var o = (options ?? new SimOptions()).Clone();
        if (!string.IsNullOrEmpty(modelName))
        {
            o.Seed = unchecked(o.Seed + (int)(StableHash.Hash("sim-model", modelName) & 0x7FFF_FFFF));
            o.ModelId = modelName;
        }

        return new SimulatedWorld(tasks, o);
    }

    /// <summary>Creates a simulated chat client.</summary>
    /// <param name="tasks">The tasks whose examples make up the answer key.</param>
    /// <param name="modelName">The model name of <c>sim:&lt;name&gt;</c>, or <see langword="null"/> for plain <c>sim</c>.</param>
    /// <param name="options">The base options, or <see langword="null"/> for defaults.</param>
    /// <returns>The client.</returns>
    public static SimulatedChatClient Create(IEnumerable<TaskDefinition> tasks, string? modelName = null, SimOptions? options = null) =>
        CreateWorld(tasks, modelName, options).CreateClient();

    /// <summary>Creates the simulated client for a <c>sim</c> model spec.</summary>
    /// <param name="spec">The spec (<c>sim</c> or <c>sim:&lt;name&gt;</c>).</param>
    /// <param name="tasks">The tasks whose examples make up the answer key.</param>
    /// <param name="options">The base options, or <see langword="null"/> for defaults.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException">The spec is not a simulator spec.</exception>
    public static SimulatedChatClient Create(ModelSpec spec, IEnumerable<TaskDefinition> tasks, SimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Provider == ModelProvider.Simulator
            ? Create(tasks, spec.Model, options)
            : throw new ArgumentException($"model '{spec}' is not a simulator spec", nameof(spec));
    }

    /// <summary>
    /// Returns a factory for <see cref="ModelPipelineOptions.SimulatorFactory"/> that builds each named world once and
    /// shares it, so the task and optimizer roles of the same <c>sim</c> model answer from one world.
    /// </summary>
    /// <param name="tasks">The tasks whose examples make up the answer key.</param>
    /// <param name="options">The base options, or <see langword="null"/> for defaults.</param>
    /// <returns>The factory (thread-safe).</returns>
    public static Func<ModelSpec, IChatClient> CreateFactory(IEnumerable<TaskDefinition> tasks, SimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var list = tasks.ToList();
        var worlds = new ConcurrentDictionary<string, Lazy<SimulatedWorld>>(StringComparer.Ordinal);
        return spec =>
        {
            ArgumentNullException.ThrowIfNull(spec);
            if (spec.Provider != ModelProvider.Simulator)
            {
                throw new ArgumentException($"model '{spec}' is not a simulator spec", nameof(spec));
            }

            var name = spec.Model ?? string.Empty;
            return worlds.GetOrAdd(name, n => new Lazy<SimulatedWorld>(() => CreateWorld(list, n.Length == 0 ? null : n, options))).Value.CreateClient();
        };
    }
}
