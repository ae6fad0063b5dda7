namespace PromptOpt.Data;

/// <summary>Options of <see cref="JsonlDatasetLoader"/>.</summary>
public sealed class JsonlLoadOptions
{
    /// <summary>
    /// Gets or sets the fraction of examples that go to the test split when a single <c>.jsonl</c> file is split
    /// (rounded to the nearest count, at least one example in each split). Ignored for a dataset directory.
    /// </summary>
    /// <value>The default is 0.5 (a 50/50 split).</value>
    public double TestFraction { get; set; } = 0.5;

    /// <summary>Gets or sets the seed of the shuffle that splits a single <c>.jsonl</c> file. Ignored for a dataset directory.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>
    /// Gets or sets whether top-level fields other than <c>id</c>, <c>input</c>, <c>target</c>, <c>choices</c> and
    /// <c>meta</c> are ignored. When <see langword="false"/>, such a field is an error (it is usually a typo, such as
    /// <c>"taget"</c>, or data that belongs in <c>meta</c>).
    /// </summary>
    /// <value>The default is <see langword="false"/> (unknown fields are rejected).</value>
    public bool IgnoreUnknownFields { get; set; }

    /// <summary>Gets or sets the dataset name, or <see langword="null"/> for the directory name or the file name without extension.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Name { get; set; }
}
