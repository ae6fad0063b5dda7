namespace PromptOpt.Data;

/// <summary>Which side of a MetaSPO task suite a task is on.</summary>
public enum TaskSuiteRole
{
    /// <summary>A source (meta-train) task: the system prompt is optimized on it.</summary>
    Source,

    /// <summary>An unseen (meta-test) task: only used to measure how the system prompt generalizes.</summary>
    Unseen,
}

/// <summary>
/// One task of a suite file, as written (not yet loaded): either a built-in task (<see cref="BuiltIn"/>) or a dataset
/// (<see cref="Dataset"/>), with optional overrides. See <see cref="TaskSuiteLoader"/> for the YAML shape.
/// </summary>
public sealed record TaskSuiteEntry
{
    /// <summary>Gets the side of the suite.</summary>
    public required TaskSuiteRole Role { get; init; }

    /// <summary>Gets the built-in task name (<c>task:</c>), or <see langword="null"/> for a dataset.</summary>
    public string? BuiltIn { get; init; }

    /// <summary>Gets the dataset reference (<c>dataset:</c>): a directory or <c>.jsonl</c> file relative to the suite file, or a dataset name under the datasets root.</summary>
    public string? Dataset { get; init; }

    /// <summary>Gets the task name override (<c>name:</c>), or <see langword="null"/> for the task's own name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the domain label (<c>domain:</c>, else the suite's <c>domain:</c>, else <see cref="TaskSuite.DefaultDomain"/>).</summary>
    public required string Domain { get; init; }

    /// <summary>Gets the metric name override (<c>metric:</c>, one of <see cref="Evaluation.Metrics.MetricCatalog.Names"/>), or <see langword="null"/>.</summary>
    public string? Metric { get; init; }

    /// <summary>Gets the full initial user prompt (<c>prompt:</c>, with the <c>{question}</c> placeholder), or <see langword="null"/>.</summary>
    public string? Prompt { get; init; }

    /// <summary>Gets the one-line instruction override (<c>instruction:</c>), or <see langword="null"/>.</summary>
    public string? Instruction { get; init; }

    /// <summary>Gets the answer-format line override (<c>answer_format:</c>), or <see langword="null"/>.</summary>
    public string? AnswerFormat { get; init; }

    /// <summary>Gets the 1-based line of the entry in the suite file.</summary>
    public int Line { get; init; }

    /// <summary>Gets the 1-based column of the entry in the suite file.</summary>
    public int Column { get; init; }

    /// <summary>Gets the reference as written (the built-in name or the dataset path).</summary>
    public string Reference => BuiltIn ?? Dataset ?? string.Empty;
}

/// <summary>
/// A MetaSPO task suite (ALGORITHMS.md 3.5): source (meta-train) tasks the system prompt is optimized on and unseen
/// (meta-test) tasks it is measured on, each with a domain label. Read one with <see cref="TaskSuiteLoader"/>; load its
/// data with <see cref="Resolve"/>.
/// </summary>
public sealed class TaskSuite
{
    /// <summary>The domain of a task when neither the task nor the suite names one.</summary>
    public const string DefaultDomain = "general";

    /// <summary>Gets the suite name (<c>name:</c>, else the file name without extension).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the description (<c>description:</c>), or the empty string.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets the suite file as the caller named it (for messages).</summary>
    public required string FilePath { get; init; }

    /// <summary>Gets the directory relative paths are resolved against (the suite file's directory).</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>Gets the datasets root bare dataset names are looked up in (<c>datasets_root:</c> relative to the file, else the loader's option), or <see langword="null"/>.</summary>
    public string? DatasetsRoot { get; init; }

    /// <summary>Gets the source tasks, in file order.</summary>
    public required IReadOnlyList<TaskSuiteEntry> Source { get; init; }

    /// <summary>Gets the unseen tasks, in file order.</summary>
    public required IReadOnlyList<TaskSuiteEntry> Unseen { get; init; }

    /// <summary>Loads every task of the suite (built-in tasks generated from <paramref name="seed"/>; datasets read from disk).</summary>
    /// <param name="seed">The seed (generates built-in tasks, splits single <c>.jsonl</c> files).</param>
    /// <returns>The loaded suite.</returns>
    /// <exception cref="TaskSuiteException">A task cannot be found or loaded; the message names the suite file and line.</exception>
    public ResolvedTaskSuite Resolve(int seed)
    {
        var source = Source.Select(e => TaskSuiteResolver.Resolve(this, e, seed)).ToList();
        var unseen = Unseen.Select(e => TaskSuiteResolver.Resolve(this, e, seed)).ToList();
        var seen = new Dictionary<string, TaskSuiteEntry>(StringComparer.Ordinal);
        foreach (var (task, entry) in source.Zip(Source).Concat(unseen.Zip(Unseen)))
        {
            if (!seen.TryAdd(task.Name, entry))
            {
                throw new TaskSuiteException(FilePath, entry.Line, entry.Column,
                    $"task name '{task.Name}' is used twice (also on line {seen[task.Name].Line}); give one a different 'name:'");
            }
        }

        return new ResolvedTaskSuite(this, source, unseen);
    }
}

/// <summary>A task suite with its tasks loaded.</summary>
/// <param name="Suite">The suite as written.</param>
/// <param name="Source">The source tasks (with <see cref="TaskDefinition.Domain"/> set), in file order.</param>
/// <param name="Unseen">The unseen tasks, in file order.</param>
public sealed record ResolvedTaskSuite(TaskSuite Suite, IReadOnlyList<TaskDefinition> Source, IReadOnlyList<TaskDefinition> Unseen)
{
    /// <summary>Gets every task (source first).</summary>
    public IReadOnlyList<TaskDefinition> All => [.. Source, .. Unseen];
}
