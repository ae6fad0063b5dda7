using System.Diagnostics.CodeAnalysis;
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
/// <remarks>Only the agent model has no default: <c>new DecisionRequest(agentModel) { EnvironmentName = "bandit-hard" }</c>.</remarks>
public sealed class DecisionRequest
{
    private readonly IChatClient? _optimizerModel;

    /// <summary>Initializes a new instance of the <see cref="DecisionRequest"/> class; set <see cref="AgentModel"/> in the initializer.</summary>
    public DecisionRequest()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DecisionRequest"/> class with the models; every other setting has its default.</summary>
    /// <param name="agentModel">The agent model (already wrapped in the middleware pipeline).</param>
    /// <param name="optimizerModel">The optimizer model, or <see langword="null"/> to use <paramref name="agentModel"/>.</param>
    /// <param name="usage">The usage meter the pipelines write to, or <see langword="null"/> for a fresh one without a budget.</param>
    /// <exception cref="ArgumentNullException"><paramref name="agentModel"/> is <see langword="null"/>.</exception>
    [SetsRequiredMembers]
    public DecisionRequest(IChatClient agentModel, IChatClient? optimizerModel = null, UsageMeter? usage = null)
    {
        AgentModel = agentModel ?? throw new ArgumentNullException(nameof(agentModel));
        _optimizerModel = optimizerModel;
        Usage = usage ?? new UsageMeter();
    }

    /// <summary>Gets the name of a built-in environment (<see cref="EnvironmentCatalog"/>), generated from <see cref="Seed"/>; ignored when <see cref="Environment"/> is set.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? EnvironmentName { get; init; }

    /// <summary>Gets an environment instance in its initial state (it is stepped in place); takes precedence over <see cref="EnvironmentName"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public DecisionEnvironment? Environment { get; init; }

    /// <summary>Gets the agent model, which acts once per step (already wrapped in the middleware pipeline, role <c>agent</c>).</summary>
    public required IChatClient AgentModel { get; init; }

    /// <summary>Gets the optimizer model, which writes the meta-prompt variants once (already wrapped in the middleware pipeline).</summary>
    /// <value>The default is <see cref="AgentModel"/>.</value>
    public IChatClient OptimizerModel
    {
        get => _optimizerModel ?? AgentModel;
        init => _optimizerModel = value;
    }

    /// <summary>
    /// Gets the text embedder for the arms' and exemplar sets' inputs, or <see langword="null"/> for the built-in
    /// <see cref="HashingEmbeddingGenerator"/>. <see cref="ModelFactory.CreateEmbedder"/> builds one from an
    /// <see cref="EmbedderSpec"/> (a provider's embeddings, batched, metered, cached and retried).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; init; }

    /// <summary>
    /// Gets the usage meter shared by both pipelines (the source of usage snapshots and budget checks): the meter their
    /// <c>UseUsageTracking</c> writes to. A meter no pipeline writes to reads zero usage and enforces no budget.
    /// </summary>
    /// <value>The default is a fresh <see cref="UsageMeter"/> without a budget.</value>
    public UsageMeter Usage { get; init; } = new();

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
