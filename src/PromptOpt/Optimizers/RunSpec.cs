using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Storage;

namespace PromptOpt.Optimizers;

/// <summary>
/// A run spec: what <c>promptopt optimize</c> runs — method, task (or MetaSPO suite, or EXPO environment), models, seed,
/// sizes, budget and method options. Read from YAML by <see cref="RunSpecLoader"/> (kebab-case keys, see
/// <see cref="RunSpecKeys"/>) and/or built from command-line flags; <see cref="OverrideWith"/> lets flags win over the
/// file. Every value is optional here; the host applies its defaults and says what is missing.
/// </summary>
public sealed record RunSpec
{
    /// <summary>Gets the method name (e.g. <c>dual-phase</c>; see <see cref="OptimizerRegistry.Names"/>).</summary>
    /// <value>The default is <see langword="null"/> (not given).</value>
    public string? Method { get; init; }

    /// <summary>
    /// Gets the task: a built-in task name, a dataset directory or a JSONL file. Relative paths in a spec file are resolved
    /// against the file's directory by <see cref="RunSpecLoader"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/> (not given).</value>
    public string? Task { get; init; }

    /// <summary>Gets the task model spec (<c>sim</c>, <c>auto</c>, <c>openai:…</c>, …).</summary>
    /// <value>The default is <see langword="null"/> (the host uses <c>auto</c>).</value>
    public string? TaskModel { get; init; }

    /// <summary>Gets the optimizer model spec.</summary>
    /// <value>The default is <see langword="null"/> (the host uses the task model's spec).</value>
    public string? OptimizerModel { get; init; }

    /// <summary>Gets the agent model spec (EXPO's agent acting in an environment).</summary>
    /// <value>The default is <see langword="null"/> (the host uses the task model's spec).</value>
    public string? AgentModel { get; init; }

    /// <summary>Gets the seed of generated tasks, the simulator and every random choice of the run.</summary>
    /// <value>The default is <see langword="null"/> (the host's default, 42).</value>
    public int? Seed { get; init; }

    /// <summary>Gets the run id (see <see cref="RunIds"/>).</summary>
    /// <value>The default is <see langword="null"/>: derived by <see cref="DeriveRunId"/>.</value>
    public string? RunId { get; init; }

    /// <summary>Gets the number of training examples the optimizer evaluates on (<see cref="OptimizationRequest.TrainSize"/>).</summary>
    /// <value>The default is <see langword="null"/> (the request's default).</value>
    public int? TrainSize { get; init; }

    /// <summary>Gets the number of test examples for the final scores (<see cref="OptimizationRequest.TestSize"/>).</summary>
    /// <value>The default is <see langword="null"/> (the request's default).</value>
    public int? TestSize { get; init; }

    /// <summary>Gets the budget.</summary>
    /// <value>The default is an empty (unlimited) budget.</value>
    public RunSpecBudget Budget { get; init; } = new();

    /// <summary>Gets the method options as key/value text, bound by <see cref="OptionsValidation.Bind"/> (keys as written).</summary>
    /// <value>The default is empty.</value>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the MetaSPO task-suite YAML path (absolute when read from a spec file).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Suite { get; init; }

    /// <summary>Gets the EXPO decision-making environment name (spec key <c>env</c>).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Environment { get; init; }

    /// <summary>Gets the number of EXPO agent steps (spec key <c>steps</c>).</summary>
    /// <value>The default is <see langword="null"/> (the method's default).</value>
    public int? Steps { get; init; }

    /// <summary>
    /// Gets the EXPO embedder spec (spec key <c>embedder</c>): <c>hash</c> for the built-in hashing embedder, or a provider's
    /// embedding model (see <see cref="Models.EmbedderSpec"/>).
    /// </summary>
    /// <value>The default is <see langword="null"/> (the host uses <c>hash</c>).</value>
    public string? Embedder { get; init; }

    /// <summary>
    /// Gets the metric name the task (every task of a suite) is scored by (spec key <c>metric</c>, <c>--metric</c>): one of
    /// <see cref="Evaluation.Metrics.MetricCatalog.Names"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/> (the dataset README's metric, else the one inferred from the data).</value>
    public string? Metric { get; init; }

    /// <summary>
    /// Gets the network timeout of one model call (spec key <c>timeout</c>, e.g. <c>30s</c>, <c>2m</c>); not part of the
    /// spec's identity (a different timeout reopens the same run).
    /// </summary>
    /// <value>The default is <see langword="null"/> (the host's default).</value>
    public string? Timeout { get; init; }

    /// <summary>Gets the line of each key under <c>options</c> in <see cref="SourcePath"/> (for messages); not part of the identity.</summary>
    /// <value>The default is empty.</value>
    public IReadOnlyDictionary<string, int> OptionLines { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Gets the file the spec was read from, or <see langword="null"/>; not part of the spec's identity.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? SourcePath { get; init; }

    /// <summary>
    /// Returns this spec with every value that <paramref name="overrides"/> sets replaced (command-line flags over a
    /// file). Options merge key by key (keys compared case- and separator-insensitively, as
    /// <see cref="OptionsValidation.Bind"/> does); budget limits merge one by one.
    /// </summary>
    /// <param name="overrides">The overriding values.</param>
    /// <returns>The merged spec.</returns>
    public RunSpec OverrideWith(RunSpec overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var options = new Dictionary<string, string>(Options, StringComparer.Ordinal);
        foreach (var (key, value) in overrides.Options)
        {
            foreach (var existing in options.Keys.Where(k => CanonicalKey(k) == CanonicalKey(key)).ToList())
            {
                options.Remove(existing);
            }

            options[key] = value;
        }

        return this with
        {
            Method = overrides.Method ?? Method,
            Task = overrides.Task ?? Task,
            TaskModel = overrides.TaskModel ?? TaskModel,
            OptimizerModel = overrides.OptimizerModel ?? OptimizerModel,
            AgentModel = overrides.AgentModel ?? AgentModel,
            Seed = overrides.Seed ?? Seed,
            RunId = overrides.RunId ?? RunId,
            TrainSize = overrides.TrainSize ?? TrainSize,
            TestSize = overrides.TestSize ?? TestSize,
            Budget = Budget.OverrideWith(overrides.Budget),
            Options = options,
            Suite = overrides.Suite ?? Suite,
            Environment = overrides.Environment ?? Environment,
            Steps = overrides.Steps ?? Steps,
            Embedder = overrides.Embedder ?? Embedder,
            Metric = overrides.Metric ?? Metric,
            Timeout = overrides.Timeout ?? Timeout,
            OptionLines = OptionLines.Where(kv => !overrides.Options.Keys.Any(k => CanonicalKey(k) == CanonicalKey(kv.Key)))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            SourcePath = overrides.SourcePath ?? SourcePath,
        };
    }

    /// <summary>
    /// Gets the spec as a JSON object with the spec-file key names (<see cref="RunSpecKeys"/>), unset values left out and
    /// options sorted by key; <see cref="SourcePath"/>, <see cref="OptionLines"/> and <see cref="Timeout"/> are not included. Deterministic, so it can be hashed.
    /// </summary>
    /// <returns>The object.</returns>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        Add(o, RunSpecKeys.Method, Method);
        Add(o, RunSpecKeys.Task, Task);
        Add(o, RunSpecKeys.Suite, Suite);
        Add(o, RunSpecKeys.Environment, Environment);
        Add(o, RunSpecKeys.Steps, Steps);
        Add(o, RunSpecKeys.TaskModel, TaskModel);
        Add(o, RunSpecKeys.OptimizerModel, OptimizerModel);
        Add(o, RunSpecKeys.AgentModel, AgentModel);
        Add(o, RunSpecKeys.Embedder, Embedder);
        Add(o, RunSpecKeys.Metric, Metric);
        Add(o, RunSpecKeys.Seed, Seed);
        Add(o, RunSpecKeys.RunId, RunId);
        Add(o, RunSpecKeys.TrainSize, TrainSize);
        Add(o, RunSpecKeys.TestSize, TestSize);
        var budget = Budget.ToJson();
        if (budget.Count > 0)
        {
            o[RunSpecKeys.Budget] = budget;
        }

        if (Options.Count > 0)
        {
            var options = new JsonObject();
            foreach (var (key, value) in Options.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                options[key] = value;
            }

            o[RunSpecKeys.Options] = options;
        }

        return o;
    }

    /// <summary>
    /// Derives a readable, valid run id: <c>method-target-s{seed}-{hash}</c>, where the hash (8 hex digits) is over
    /// <paramref name="identity"/> (the spec and whatever else defines the run, e.g. resolved models and the dataset
    /// fingerprint). The same spec gives the same id, so running the same command again resumes the run.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="target">The task, suite or environment name.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="identity">The JSON whose hash makes the id unique.</param>
    /// <returns>The run id (passes <see cref="RunIds.Validate"/>).</returns>
    public static string DeriveRunId(string method, string target, int seed, string identity)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(identity);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..8];
        var seedText = seed.ToString(CultureInfo.InvariantCulture).Replace('-', 'm');
        var id = $"{Slug(method, 24)}-{Slug(target, 40)}-s{seedText}-{hash}";
        return RunIds.Validate(id.TrimStart('-', '.', '_'));
    }

    /// <summary>Gets the budget of the spec as an <see cref="OptimizationBudget"/>.</summary>
    /// <returns>The budget.</returns>
    public OptimizationBudget ToBudget() => Budget.ToBudget();

    /// <summary>Reduces a key to letters and digits, lower case (<c>max-steps</c>, <c>max_steps</c>, <c>MaxSteps</c> → <c>maxsteps</c>).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The canonical key.</returns>
    internal static string CanonicalKey(string key) => new string(key.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();

    private static string Slug(string text, int max)
    {
        var sb = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_';
            if (ok)
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var slug = sb.ToString().Trim('-', '.');
        if (slug.Length > max)
        {
            slug = slug[..max].TrimEnd('-', '.');
        }

        return slug.Length == 0 ? "x" : slug;
    }

    private static void Add(JsonObject o, string key, string? value)
    {
        if (value is not null)
        {
            o[key] = value;
        }
    }

    private static void Add(JsonObject o, string key, int? value)
    {
        if (value is { } v)
        {
            o[key] = v;
        }
    }
}

/// <summary>The budget part of a <see cref="RunSpec"/> (spec key <c>budget</c>); unset limits are unlimited.</summary>
public sealed record RunSpecBudget
{
    /// <summary>Gets the maximum task(/agent)-model calls (<c>task-calls</c>).</summary>
    /// <value>The default is <see langword="null"/> (unlimited).</value>
    public long? TaskCalls { get; init; }

    /// <summary>Gets the maximum optimizer-model calls (<c>optimizer-calls</c>).</summary>
    /// <value>The default is <see langword="null"/> (unlimited).</value>
    public long? OptimizerCalls { get; init; }

    /// <summary>Gets the maximum tokens over all charged calls (<c>tokens</c>).</summary>
    /// <value>The default is <see langword="null"/> (unlimited).</value>
    public long? Tokens { get; init; }

    /// <summary>Gets the maximum estimated dollars (<c>dollars</c>).</summary>
    /// <value>The default is <see langword="null"/> (unlimited).</value>
    public decimal? Dollars { get; init; }

    /// <summary>Returns this budget with the limits <paramref name="overrides"/> sets replaced.</summary>
    /// <param name="overrides">The overriding limits.</param>
    /// <returns>The merged budget.</returns>
    public RunSpecBudget OverrideWith(RunSpecBudget overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        return new RunSpecBudget
        {
            TaskCalls = overrides.TaskCalls ?? TaskCalls,
            OptimizerCalls = overrides.OptimizerCalls ?? OptimizerCalls,
            Tokens = overrides.Tokens ?? Tokens,
            Dollars = overrides.Dollars ?? Dollars,
        };
    }

    /// <summary>Gets the limits as an <see cref="OptimizationBudget"/>.</summary>
    /// <returns>The budget.</returns>
    public OptimizationBudget ToBudget() => new()
    {
        MaxTaskCalls = TaskCalls,
        MaxOptimizerCalls = OptimizerCalls,
        MaxTokens = Tokens,
        MaxDollars = Dollars,
    };

    /// <summary>Gets the set limits as JSON with the spec-file key names.</summary>
    /// <returns>The object (empty when unlimited).</returns>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (TaskCalls is { } t)
        {
            o[RunSpecKeys.TaskCalls] = t;
        }

        if (OptimizerCalls is { } c)
        {
            o[RunSpecKeys.OptimizerCalls] = c;
        }

        if (Tokens is { } k)
        {
            o[RunSpecKeys.Tokens] = k;
        }

        if (Dollars is { } d)
        {
            o[RunSpecKeys.Dollars] = d;
        }

        return o;
    }
}
