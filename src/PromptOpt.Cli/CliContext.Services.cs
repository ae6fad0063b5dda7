using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Models;
using PromptOpt.Simulation;
using PromptOpt.Storage;

namespace PromptOpt.Cli;

/// <summary>
/// Construction of the things commands use — tasks, stores, models — in one place, so each command only delegates.
/// Every method validates its input and throws <see cref="PromptOptInputException"/> for bad input, before any model call.
/// </summary>
internal sealed partial class CliContext
{
    /// <summary>Lists the built-in tasks, generated at their default sizes.</summary>
    /// <param name="seed">The generator seed.</param>
    /// <returns>The tasks.</returns>
    public static IReadOnlyList<TaskDefinition> ListBuiltInTasks(int seed) =>
        BuiltInTasks.Names.Select(name => BuiltInTasks.Create(name, seed)).ToList();

    /// <summary>Resolves <c>--task</c>: a built-in task name, a dataset directory or a JSONL file (relative to the working directory).</summary>
    /// <param name="task">The argument.</param>
    /// <param name="seed">The generator seed.</param>
    /// <returns>The task.</returns>
    /// <exception cref="PromptOptInputException">Unknown task, missing or malformed data.</exception>
    public TaskDefinition ResolveTask(string task, int seed)
    {
        var arg = task;
        if (!BuiltInTasks.IsBuiltIn(task) && !string.IsNullOrWhiteSpace(task) && Path.Exists(ResolvePath(task)))
        {
            arg = ResolvePath(task);
        }

        return TaskCatalog.Resolve(arg, seed);
    }

    /// <summary>Opens the store named by <c>--store</c> (else $PROMPTOPT_STORE, else .promptopt/promptopt.db).</summary>
    /// <param name="store">The option value.</param>
    /// <returns>The store.</returns>
    /// <exception cref="PromptOptInputException">The file is not a PromptOpt store.</exception>
    public PromptOptStore OpenStore(string? store)
    {
        var path = StorePaths.Resolve(store, Environment, WorkingDirectory);
        try
        {
            return new PromptOptStore(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PromptOptInputException($"cannot open the store '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Creates a model for <paramref name="role"/> from a spec, inside the middleware pipeline (usage meter, the store's
    /// response cache, concurrency limit, retry). <c>auto</c> without an endpoint prints a one-line banner on stderr.
    /// </summary>
    /// <param name="spec">The model spec text.</param>
    /// <param name="role">The role (<see cref="ModelRoles"/>).</param>
    /// <param name="store">The store whose response cache to use.</param>
    /// <param name="meter">The usage meter.</param>
    /// <param name="maxConcurrency">The maximum concurrent provider calls.</param>
    /// <param name="seed">The simulator's world seed.</param>
    /// <param name="simulatedTasks">The tasks the simulator must know (its answer key), used when the spec is (or resolves to) <c>sim</c>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelSpecException">The spec is malformed or cannot be built (e.g. a missing key).</exception>
    public async Task<CliModel> CreateModelAsync(
        string spec, string role, PromptOptStore store, UsageMeter meter, int maxConcurrency, int seed, IEnumerable<TaskDefinition> simulatedTasks,
        CancellationToken cancellationToken)
    {
        var parsed = ModelSpec.Parse(spec);
        var options = PipelineOptions(store, meter);
        options.MaxConcurrency = maxConcurrency;
        options.SimulatorFactory = SimulatorModels.CreateFactory(simulatedTasks, new SimOptions { Seed = seed });
        var resolved = ModelFactory.ResolveAuto(parsed, Environment);
        var client = ModelFactory.Create(parsed, role, options);
        bool simulated = resolved.Provider == ModelProvider.Simulator
            || await SimulatorProbe.IsSimulatorAsync(resolved.BaseUrl, cancellationToken);
        return new CliModel(client, resolved.ToString(), simulated);
    }

    /// <summary>
    /// Creates EXPO's embedder: the built-in hashing embedder for <c>hash</c>, else the named provider's embeddings endpoint
    /// inside the embedding middleware (metered as role <c>embedding</c>, cached in the store, retried). A provider spec is
    /// always called as given, never replaced by the built-in embedder; if its endpoint is PromptOpt's simulator server, a
    /// one-line note says so.
    /// </summary>
    /// <param name="spec">The embedder spec.</param>
    /// <param name="store">The store whose response cache to use.</param>
    /// <param name="meter">The usage meter.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The embedder.</returns>
    /// <exception cref="ModelSpecException">The spec cannot be built (e.g. a missing key).</exception>
    public async Task<IEmbeddingGenerator<string, Embedding<float>>> CreateEmbedderAsync(
        EmbedderSpec spec, PromptOptStore store, UsageMeter meter, CancellationToken cancellationToken)
    {
        var embedder = ModelFactory.CreateEmbedder(spec, PipelineOptions(store, meter));
        if (await SimulatorProbe.IsSimulatorAsync(spec.Model?.BaseUrl, cancellationToken))
        {
            NoteOnce($"note: embedder {spec} is PromptOpt's SIMULATOR server: its vectors are the built-in hashing embedder's");
        }

        return embedder;
    }

    private ModelPipelineOptions PipelineOptions(PromptOptStore store, UsageMeter meter) => new()
    {
        Usage = meter,
        Cache = store,
        Environment = Environment,
        OnNotice = notice => NoteOnce("note: " + notice),
        LocalEmbedders = LocalEmbedders,
    };

    /// <summary>The local embedders <c>--embedder</c> can name besides <c>hash</c>: the offline all-MiniLM-L6-v2 encoder.</summary>
    private static readonly IReadOnlyDictionary<string, Func<IEmbeddingGenerator<string, Embedding<float>>>> LocalEmbedders =
        new Dictionary<string, Func<IEmbeddingGenerator<string, Embedding<float>>>>(StringComparer.Ordinal)
        {
            [EmbedderSpec.MiniLmName] = () => new Simulation.SentenceEncoding.MiniLmEmbeddingGenerator(),
        };

    /// <summary>Lists the runs in <paramref name="store"/>, newest first, with the task each run names in its spec.</summary>
    /// <param name="store">The store.</param>
    /// <param name="limit">The maximum number of runs.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The runs.</returns>
    public static async Task<IReadOnlyList<(RunSummary Run, RunRecord? Record)>> ListRunsAsync(IRunStore store, int limit, CancellationToken cancellationToken)
    {
        var runs = await store.ListRunsAsync(cancellationToken);
        var list = new List<(RunSummary, RunRecord?)>();
        foreach (var run in runs.Take(limit))
        {
            list.Add((run, await store.GetRunAsync(run.RunId, cancellationToken)));
        }

        return list;
    }

}

/// <summary>A model ready to call.</summary>
/// <param name="Client">The client (with middleware).</param>
/// <param name="Spec">The resolved spec (never <c>auto</c>; key-free).</param>
/// <param name="Simulated">Whether answers come from the simulator (every output then says "(simulated)").</param>
internal sealed record CliModel(Microsoft.Extensions.AI.IChatClient Client, string Spec, bool Simulated);
