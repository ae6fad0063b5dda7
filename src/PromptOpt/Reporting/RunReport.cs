using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;

namespace PromptOpt.Reporting;

/// <summary>
/// Everything a report shows about one finished run. Only <see cref="RunId"/> and <see cref="Result"/> are required;
/// the method, models and seed default to the result's.
/// </summary>
public sealed record RunReport
{
    private readonly string? _method;
    private readonly int? _seed;
    private readonly IReadOnlyDictionary<string, string>? _models;

    /// <summary>Gets the run id.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the result of the run.</summary>
    public required OptimizationResult Result { get; init; }

    /// <summary>Gets the run spec as the user wrote it (YAML or JSON), or <see langword="null"/> when unknown.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? SpecText { get; init; }

    /// <summary>Gets the method name.</summary>
    /// <value>The default is <see cref="OptimizationResult.Method"/>.</value>
    public string Method
    {
        get => _method ?? Result.Method;
        init => _method = value;
    }

    /// <summary>Gets the seed.</summary>
    /// <value>The default is <see cref="OptimizationResult.Seed"/>.</value>
    public int Seed
    {
        get => _seed ?? Result.Seed;
        init => _seed = value;
    }

    /// <summary>Gets the model id per role (<c>task</c>, <c>optimizer</c>, <c>agent</c>, …).</summary>
    /// <value>The default is the result's task and optimizer model ids (the non-empty ones).</value>
    public IReadOnlyDictionary<string, string> Models
    {
        get => _models ?? DefaultModels(Result);
        init => _models = value;
    }

    /// <summary>Gets a value indicating whether the run data says the simulator was used.</summary>
    /// <value>The default is <see langword="false"/>; <see cref="IsSimulated"/> also looks at the model ids.</value>
    public bool Simulated { get; init; }

    /// <summary>
    /// Gets the failures to show: typically the best prompt's test evaluation results (<see cref="EvaluationResult.Results"/>);
    /// the report picks the worst ones. <see langword="null"/> leaves the failures section with a note.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyList<ExampleResult>? Failures { get; init; }

    /// <summary>Gets the name of the task (or environment, or task list) the run worked on, from its spec, or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? TaskName { get; init; }

    /// <summary>
    /// Gets every attempt at the run (its first run and each resume) with its usage, oldest first; <see cref="Result"/>'s
    /// usage is the last attempt's only. Empty when unknown.
    /// </summary>
    /// <value>The default is empty.</value>
    public IReadOnlyList<AttemptUsage> Attempts { get; init; } = [];

    /// <summary>Gets when the run was created, from the run data (never the clock at report time), or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets the number of worst failures shown.</summary>
    /// <value>The default is 10.</value>
    public int MaxFailures { get; init; } = 10;

    /// <summary>
    /// Gets a value indicating whether the results are simulated: <see cref="Simulated"/> is set, or any model id is
    /// <c>sim</c> or starts with <c>sim</c> (<c>sim:small</c>, <c>sim-1</c>).
    /// </summary>
    public bool IsSimulated =>
        Simulated || Models.Values.Any(IsSimulatorId) || IsSimulatorId(Result.TaskModelId) || IsSimulatorId(Result.OptimizerModelId);

    /// <summary>Gets the models in display order: task, optimizer, agent, test, then others by name.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> OrderedModels =>
        Models.OrderBy(kv => Array.IndexOf(RoleOrder, kv.Key) is var i && i >= 0 ? i : RoleOrder.Length)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();

    /// <summary>The display order of roles.</summary>
    internal static readonly string[] RoleOrder = [ModelRoles.Task, ModelRoles.Optimizer, ModelRoles.Agent, ModelRoles.Embedding, ModelRoles.Test];

    private static bool IsSimulatorId(string? id) => id is not null && id.StartsWith("sim", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, string> DefaultModels(OptimizationResult r)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(r.TaskModelId))
        {
            d[ModelRoles.Task] = r.TaskModelId;
        }

        if (!string.IsNullOrEmpty(r.OptimizerModelId))
        {
            d[ModelRoles.Optimizer] = r.OptimizerModelId;
        }

        return d;
    }
}

/// <summary>The usage of one attempt at a run.</summary>
/// <param name="Attempt">The 1-based attempt number.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Usage">Its usage, or <see langword="null"/> when it recorded none (killed before its first step).</param>
public sealed record AttemptUsage(int Attempt, DateTimeOffset StartedAt, Storage.RunStatus Status, UsageSnapshot? Usage)
{
    /// <summary>Sums the usage of every attempt (attempts without usage add nothing).</summary>
    /// <param name="attempts">The attempts.</param>
    /// <returns>The total per role.</returns>
    public static UsageSnapshot Total(IEnumerable<AttemptUsage> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var byRole = new Dictionary<string, RoleUsage>(StringComparer.Ordinal);
        foreach (var usage in attempts.Select(a => a.Usage).OfType<UsageSnapshot>())
        {
            foreach (var (role, u) in usage.ByRole)
            {
                byRole[role] = byRole.TryGetValue(role, out var sum) ? sum.Add(u) : u;
            }
        }

        return new UsageSnapshot(byRole);
    }
}
