using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Prompts;
using PromptOpt.Storage;

namespace PromptOpt.Optimizers;

/// <summary>
/// What an <see cref="IDecisionOptimizer"/> runs: an environment (by catalog name or as an instance), the agent and
/// optimizer models, the embedder, the usage meter, the seed and the number of steps. Method options live on the
/// optimizer, not here.
/// </summary>
public sealed class DecisionRequest
{
    /// <summary>Gets the name of a built-in environment (<see cref="EnvironmentCatalog"/>), generated from <see cref="Seed"/>; ignored when <see cref="Environment"/> is set.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? EnvironmentName { get; init; }

    /// <summary>Gets an environment instance in its initial state (it is stepped in place); takes precedence over <see cref="EnvironmentName"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public DecisionEnvironment? Environment { get; init; }

    /// <summary>Gets the agent model, which acts once per step (already wrapped in the middleware pipeline, role <c>agent</c>).</summary>
    public required IChatClient AgentModel { get; init; }

    /// <summary>Gets the optimizer model, which writes the meta-prompt variants once (already wrapped in the middleware pipeline).</summary>
    public required IChatClient OptimizerModel { get; init; }

    /// <summary>
    /// Gets the text embedder for the arms' and exemplar sets' inputs, or <see langword="null"/> for the built-in
    /// <see cref="HashingEmbeddingGenerator"/>. <see cref="ModelFactory.CreateEmbedder"/> builds one from an
    /// <see cref="EmbedderSpec"/> (a provider's embeddings, batched, metered, cached and retried).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; init; }

    /// <summary>Gets the usage meter shared by both pipelines (the source of usage snapshots and budget checks).</summary>
    public required UsageMeter Usage { get; init; }

    /// <summary>Gets the seed: the environment instance (for <see cref="EnvironmentName"/>), arm and exemplar sampling, and the networks' initialisation.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }

    /// <summary>Gets the number of agent steps T, or <see langword="null"/> for the method's option or else the environment's horizon.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? Steps { get; init; }

    /// <summary>Gets the progress sink, or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IProgress<OptimizationEvent>? Progress { get; init; }

    /// <summary>
    /// Gets the run's checkpoints, or <see langword="null"/>: EXPO and EXPO-ES store each step's score-network outputs
    /// there, and a replay of the run (every model call answered from the cache, e.g. a rerun or a resume) takes them
    /// instead of refitting the networks, with the same result. Open them with <see cref="RunCheckpoints.OpenAsync"/> for a
    /// stored run.
    /// </summary>
    /// <value>The default is <see langword="null"/> (every network is fitted).</value>
    public RunCheckpoints? Checkpoints { get; init; }

    /// <summary>Returns the environment to run: <see cref="Environment"/>, or a fresh catalog instance of <see cref="EnvironmentName"/> for <see cref="Seed"/>.</summary>
    /// <returns>The environment.</returns>
    /// <exception cref="PromptOptInputException">Neither is set, or the name is unknown.</exception>
    public DecisionEnvironment ResolveEnvironment() =>
        Environment ?? (EnvironmentName is { } name
            ? EnvironmentCatalog.Create(name, Seed)
            : throw new PromptOptInputException($"no environment given; expected one of: {string.Join(", ", EnvironmentCatalog.All.Select(e => e.Name))}"));

    /// <summary>
    /// Renders a meta-prompt as a <see cref="Prompt"/> for results and reports: the user part is D, the
    /// <see cref="Prompt.QuestionPlaceholder"/> where the environment's exemplars block goes at each step, then I.
    /// </summary>
    /// <param name="metaPrompt">The (D, I) pair.</param>
    /// <returns>The prompt.</returns>
    public static Prompt ToPrompt(MetaPrompt metaPrompt)
    {
        ArgumentNullException.ThrowIfNull(metaPrompt);
        return new Prompt(null, metaPrompt.Render(Prompt.QuestionPlaceholder));
    }
}
