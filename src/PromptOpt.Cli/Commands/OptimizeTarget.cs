using System.Security.Cryptography;
using System.Text;
using PromptOpt.Data;
using PromptOpt.Optimizers;

namespace PromptOpt.Cli.Commands;

/// <summary>
/// What an <c>optimize</c> run works on, resolved from the spec: a task (<c>task:</c>), a MetaSPO task suite
/// (<c>suite:</c>), or an EXPO decision-making environment (<c>env:</c>, <c>steps:</c>). This is the one place that
/// turns a target into the request's task fields — the extension point for multi-task and environment methods.
/// </summary>
/// <param name="Name">The display name (task, suite or environment).</param>
/// <param name="Task">The request's task (MetaSPO: the first source task).</param>
/// <param name="SourceTasks">MetaSPO's source tasks (empty otherwise).</param>
/// <param name="UnseenTasks">MetaSPO's unseen tasks (empty otherwise).</param>
/// <param name="Fingerprint">A fingerprint of the data (the dataset's, or a hash over every task's).</param>
internal sealed record OptimizeTarget(string Name, TaskDefinition Task, IReadOnlyList<TaskDefinition> SourceTasks, IReadOnlyList<TaskDefinition> UnseenTasks, string Fingerprint)
{
    /// <summary>Gets every task the simulator must know.</summary>
    public IReadOnlyList<TaskDefinition> AllTasks => [Task, .. SourceTasks.Where(t => !ReferenceEquals(t, Task)), .. UnseenTasks];

    /// <summary>Gets whether this is a single task (so the report can show the best prompt's test failures).</summary>
    public bool IsSingleTask => SourceTasks.Count == 0;

    /// <summary>Resolves the target of <paramref name="spec"/>.</summary>
    /// <param name="context">The context.</param>
    /// <param name="spec">The effective spec.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The target.</returns>
    /// <exception cref="PromptOptInputException">No target, more than one, or one that cannot be loaded.</exception>
    public static OptimizeTarget Resolve(CliContext context, RunSpec spec, int seed)
    {
        int given = (spec.Task is null ? 0 : 1) + (spec.Suite is null ? 0 : 1) + (spec.Environment is null ? 0 : 1);
        if (given > 1)
        {
            throw new PromptOptInputException("give only one of 'task', 'suite' (MetaSPO) and 'env' (EXPO)");
        }

        if (spec.Environment is { } env && !Decision.EnvironmentCatalog.Contains(env))
        {
            throw new PromptOptInputException(
                $"unknown environment '{env}' (known: {string.Join(", ", Decision.EnvironmentCatalog.All.Select(e => e.Name))})");
        }

        if (spec.Environment is not null || spec.Steps is not null || spec.Embedder is not null)
        {
            // EXPO methods never get here (OptimizeDecisionRun handles them); a task-prompt method cannot use an environment.
            throw new PromptOptInputException(
                $"'env'/'steps'/'embedder' are for the agent methods ({string.Join(", ", OptimizerRegistry.DecisionNames)}); method '{spec.Method}' optimizes a task prompt: give a task instead");
        }

        var metric = spec.Metric is { } name ? Evaluation.Metrics.MetricCatalog.Create(name) : null;
        if (spec.Suite is { } suitePath)
        {
            // MetaSPO: the suite's source tasks (the request's Task is the first one) and unseen tasks; a metric applies to all.
            var suite = TaskSuiteLoader.Load(context.ResolvePath(suitePath)).Resolve(seed);
            var source = suite.Source.Select(t => metric is null ? t : t.WithMetric(metric)).ToList();
            var unseen = suite.Unseen.Select(t => metric is null ? t : t.WithMetric(metric)).ToList();
            return new OptimizeTarget(suite.Suite.Name, source[0], source, unseen, CombinedFingerprint(suite.All));
        }

        if (spec.Task is null)
        {
            throw new PromptOptInputException("no task: give --task or 'task:' in the spec (see 'promptopt tasks')");
        }

        var task = context.ResolveTask(spec.Task, seed, spec.Metric);
        return new OptimizeTarget(task.Name, task, [], [], task.Dataset.Fingerprint);
    }

    /// <summary>Hashes several fingerprints into one.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <returns>The combined fingerprint.</returns>
    public static string CombinedFingerprint(IEnumerable<TaskDefinition> tasks) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', tasks.Select(t => t.Name + ":" + t.Dataset.Fingerprint)))))[..16];
}
