using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation.Metrics;
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

    /// <summary>
    /// Resolves <c>--task</c>: a built-in task name, a dataset directory or a JSONL file (relative to the working directory),
    /// scored by <c>--metric</c> when given (else the dataset README's metric, else the one inferred from the data).
    /// </summary>
    /// <param name="task">The argument.</param>
    /// <param name="seed">The generator seed.</param>
    /// <param name="metric">The <c>--metric</c> / spec <c>metric</c> name, or <see langword="null"/>.</param>
    /// <returns>The task.</returns>
    /// <exception cref="PromptOptInputException">Unknown task or metric, missing or malformed data.</exception>
    public TaskDefinition ResolveTask(string task, int seed, string? metric = null)
    {
        var scored = metric is null ? null : MetricCatalog.Create(metric); // an unknown name fails before any data is read
        var resolved = ResolveTaskCore(task, seed);
        return scored is null ? resolved : resolved.WithMetric(scored);
    }

    private TaskDefinition ResolveTaskCore(string task, int seed)
    {
        var arg = task;
        if (!BuiltInTasks.IsBuiltIn(task) && !string.IsNullOrWhiteSpace(task) && Path.Exists(ResolvePath(task)))
        {
            arg = ResolvePath(task);
        }

        return TaskCatalog.Resolve(arg, seed);
    }

    /// <summary>Gets the path of the store this command opened, or <see langword="null"/> (for messages about a damaged or unwritable store).</summary>
    public string? StorePath { get; private set; }

    /// <summary>Resolves <c>--store</c> (else $PROMPTOPT_STORE, else .promptopt/promptopt.db) to the database file. An existing
    /// directory means the file <c>promptopt.db</c> in it, which a note says.</summary>
    /// <param name="store">The option value.</param>
    /// <returns>The absolute path of the database file.</returns>
    public string ResolveStorePath(string? store)
    {
        var path = StorePaths.Resolve(store, Environment, WorkingDirectory);
        var given = !string.IsNullOrWhiteSpace(store) ? store : Environment(StorePaths.EnvironmentVariable);
        // A trailing separator says "a directory" on purpose; a bare existing directory might be a mistake, so say what is used.
        if (!string.IsNullOrWhiteSpace(given) && !Path.EndsInDirectorySeparator(given.Trim()) && Directory.Exists(ResolvePath(given.Trim())))
        {
            NoteOnce($"note: the store '{given.Trim()}' is a directory: using {path}");
        }

        StorePath = path;
        return path;
    }

    /// <summary>Opens the store named by <c>--store</c> for reading and writing, creating it if needed.</summary>
    /// <param name="store">The option value.</param>
    /// <returns>The store.</returns>
    /// <exception cref="PromptOptInputException">The file is not a PromptOpt store, is damaged or cannot be written.</exception>
    public PromptOptStore OpenStore(string? store)
    {
        var path = ResolveStorePath(store);
        try
        {
            return new PromptOptStore(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PromptOptInputException($"cannot open the store '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Opens an existing store for reading only (never creating or writing it), so read-only stores work.</summary>
    /// <param name="path">The resolved store path (<see cref="ResolveStorePath"/>); the file must exist.</param>
    /// <returns>The store.</returns>
    /// <exception cref="PromptOptInputException">The file is not a PromptOpt store or is damaged.</exception>
    public PromptOptStore OpenStoreForReading(string path)
    {
        StorePath = path;
        try
        {
            return PromptOptStore.OpenReadOnly(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PromptOptInputException($"cannot open the store '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Opens the store for reading and writing, or, when an existing store cannot be written, read-only (with a note);
    /// the caller then writes nothing, and a write it cannot avoid fails with a plain message.</summary>
    /// <param name="store">The option value.</param>
    /// <returns>The store (<see cref="PromptOptStore.IsReadOnly"/> says which).</returns>
    /// <exception cref="PromptOptInputException">The file is not a PromptOpt store, is damaged, or cannot be created.</exception>
    public PromptOptStore OpenStoreReadOnlyIfNeeded(string? store)
    {
        try
        {
            return OpenStore(store);
        }
        catch (StoreException ex) when (ex.Problem == StoreProblem.NotWritable && File.Exists(ex.StorePath))
        {
            var readOnly = OpenStoreForReading(ex.StorePath);
            NoteOnce($"note: the store '{ex.StorePath}' cannot be written; opened it read-only");
            return readOnly;
        }
    }

    /// <summary>Gets or sets the network timeout of one model call (<c>--timeout</c>, <c>PROMPTOPT_TIMEOUT</c>), or
    /// <see langword="null"/> for <see cref="CallTimeouts.Default"/>.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>Gets the secrets this command read (API keys): every printed text is masked with them.</summary>
    internal IReadOnlyCollection<string> Secrets
    {
        get
        {
            lock (_secrets)
            {
                return _secrets.ToList();
            }
        }
    }

    private void RememberKey(string? variable)
    {
        foreach (var name in new[] { variable, ModelSpec.OpenAIKeyVariable })
        {
            if (name is not null && Environment(name) is { Length: >= 4 } key)
            {
                lock (_secrets)
                {
                    _secrets.Add(key.Trim());
                }
            }
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
        RememberKey(resolved.ApiKeyVariable);
        bool autoSimulator = parsed.Provider == ModelProvider.Auto && resolved.Provider == ModelProvider.Simulator;
        if (autoSimulator)
        {
            options.OnNotice = null; // NoteSimulated names the roles instead of the library's generic banner
        }

        var client = Calls.Track(ModelFactory.Create(parsed, role, options), role, resolved.ToString(), TimeProvider);
        bool simulated = resolved.Provider == ModelProvider.Simulator
            || await SimulatorProbe.IsSimulatorAsync(resolved.BaseUrl, cancellationToken);
        return new CliModel(client, resolved.ToString(), simulated, role, autoSimulator);
    }

    /// <summary>
    /// Prints one banner when 'auto' fell back to the simulator for any of <paramref name="models"/>, naming those roles and
    /// the roles that call a real endpoint, so a partly simulated run is never mistaken for a real one.
    /// </summary>
    /// <param name="models">The command's models.</param>
    public void NoteSimulated(params CliModel[] models)
    {
        var auto = models.Where(m => m.AutoSimulator).Select(m => m.Role).Distinct(StringComparer.Ordinal).ToList();
        if (auto.Count == 0)
        {
            return;
        }

        var real = models.Where(m => !m.Simulated).Select(m => $"the {m.Role} model is {m.Spec}").Distinct(StringComparer.Ordinal).ToList();
        var roles = auto.Count == 1 ? $"the {auto[0]} model is" : $"the {string.Join(" and ", auto)} models are";
        NoteOnce($"note: results are SIMULATED: {roles} 'auto' and no endpoint is configured, so {(auto.Count == 1 ? "it runs" : "they run")} on the simulator " +
            $"(set OPENAI_API_KEY or OPENAI_BASE_URL, or give a model spec)" + (real.Count == 0 ? string.Empty : "; " + string.Join("; ", real)));
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
        RememberKey(spec.Model?.ApiKeyVariable);
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
        LoggerFactory = Verbose ? new Rendering.StderrLogger(Err) : null,
        RequestTimeout = RequestTimeout ?? CallTimeouts.Default,
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
/// <param name="Role">The role (<see cref="ModelRoles"/>).</param>
/// <param name="AutoSimulator">Whether the spec was <c>auto</c> and found no endpoint (so the simulator stands in).</param>
internal sealed record CliModel(Microsoft.Extensions.AI.IChatClient Client, string Spec, bool Simulated, string Role = ModelRoles.Task, bool AutoSimulator = false);
