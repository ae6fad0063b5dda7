namespace PromptOpt.Data;

/// <summary>Options of <see cref="TaskCatalog.Resolve(string, int, TaskResolveOptions?)"/>.</summary>
public sealed class TaskResolveOptions
{
    /// <summary>Gets or sets the number of training examples of a built-in task, or <see langword="null"/> for its default.</summary>
    /// <value>The default is <see langword="null"/> (<see cref="BuiltIn.BuiltInTasks.DefaultTrainSize"/>).</value>
    public int? TrainSize { get; set; }

    /// <summary>Gets or sets the number of test examples of a built-in task, or <see langword="null"/> for its default.</summary>
    /// <value>The default is <see langword="null"/> (<see cref="BuiltIn.BuiltInTasks.DefaultTestSize"/>).</value>
    public int? TestSize { get; set; }

    /// <summary>Gets or sets the test fraction when a single <c>.jsonl</c> file is split (see <see cref="JsonlLoadOptions.TestFraction"/>).</summary>
    /// <value>The default is 0.5.</value>
    public double TestFraction { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets a directory of dataset directories (such as the shared <c>datasets/</c> folder) in which a bare
    /// dataset name (e.g. <c>bbh_navigate</c>) is looked up, or <see langword="null"/> for none.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? DatasetsRoot { get; set; }
}
