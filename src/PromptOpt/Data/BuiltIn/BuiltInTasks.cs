using System.Globalization;

namespace PromptOpt.Data.BuiltIn;

/// <summary>
/// The built-in procedural tasks, modelled on BIG-Bench Hard's algorithmic tasks: <c>multistep_arithmetic</c>,
/// <c>boolean_expressions</c>, <c>object_counting</c>, <c>navigate</c>, <c>date_arithmetic</c> and <c>word_sorting</c>.
/// Each is generated from a seed (same seed → same examples, ids <c>&lt;task&gt;-&lt;split&gt;-&lt;nnnn&gt;</c>), has answers
/// the generator computes, declares its metric, answer-format line, one-line instruction and 3 task skills, and records in
/// each example's <c>meta</c> its difficulty <c>level</c> (1–3) and the <c>skills</c> it exercises. They need no files.
/// </summary>
public static class BuiltInTasks
{
    /// <summary>The default number of training examples.</summary>
    public const int DefaultTrainSize = 100;

    /// <summary>The default number of test examples.</summary>
    public const int DefaultTestSize = 300;

    /// <summary>The largest split size accepted.</summary>
    public const int MaxSplitSize = 100_000;

    private static readonly BuiltInTask[] Tasks =
    [
        new MultistepArithmeticTask(),
        new BooleanExpressionsTask(),
        new ObjectCountingTask(),
        new NavigateTask(),
        new DateArithmeticTask(),
        new WordSortingTask(),
    ];

    /// <summary>Gets the built-in task names, in listing order.</summary>
    public static IReadOnlyList<string> Names { get; } = Tasks.Select(t => t.Name).ToArray();

    /// <summary>Gets a one-line description of each built-in task, by name.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } =
        Tasks.ToDictionary(t => t.Name, t => t.Description, StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns whether <paramref name="name"/> is a built-in task (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> for a built-in task.</returns>
    public static bool IsBuiltIn(string? name) => name is not null && Find(name) is not null;

    /// <summary>Generates a built-in task.</summary>
    /// <param name="name">The task name (case-insensitive; <c>-</c> and <c>_</c> are interchangeable).</param>
    /// <param name="seed">The seed: the same seed gives the same examples, a different seed different ones.</param>
    /// <param name="trainSize">The number of training examples, or <see langword="null"/> for <see cref="DefaultTrainSize"/>.</param>
    /// <param name="testSize">The number of test examples, or <see langword="null"/> for <see cref="DefaultTestSize"/>.</param>
    /// <returns>The task definition, with its skills.</returns>
    /// <exception cref="PromptOptInputException">The name is unknown, or a size is below 1 or above <see cref="MaxSplitSize"/>.</exception>
    public static TaskDefinition Create(string name, int seed, int? trainSize = null, int? testSize = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var task = Find(name) ?? throw new PromptOptInputException(
            $"unknown built-in task \"{name}\": expected one of {string.Join(", ", Names)}");
        int train = CheckSize(trainSize ?? DefaultTrainSize, "train");
        int test = CheckSize(testSize ?? DefaultTestSize, "test");
        return task.Create(seed, train, test);
    }

    private static BuiltInTask? Find(string name)
    {
        var key = name.Trim().Replace('-', '_');
        return Tasks.FirstOrDefault(t => string.Equals(t.Name, key, StringComparison.OrdinalIgnoreCase));
    }

    private static int CheckSize(int size, string split) => size is >= 1 and <= MaxSplitSize
        ? size
        : throw new PromptOptInputException(string.Create(CultureInfo.InvariantCulture,
            $"{split} size {size} is out of range: expected 1 to {MaxSplitSize}"));
}
