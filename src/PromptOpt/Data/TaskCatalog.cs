using PromptOpt.Data.BuiltIn;

namespace PromptOpt.Data;

/// <summary>
/// Resolves a task argument (as given on the command line or in a run spec) to a <see cref="TaskDefinition"/>: a built-in
/// task name (<see cref="BuiltInTasks.Names"/>), a dataset directory (<c>train.jsonl</c>, <c>test.jsonl</c>, optional
/// <c>dev.jsonl</c> and <c>README.md</c>), or a single <c>.jsonl</c> file split by the seed.
/// </summary>
public static class TaskCatalog
{
    /// <summary>Resolves <paramref name="taskArg"/> with default options.</summary>
    /// <param name="taskArg">A built-in task name, a dataset directory or a <c>.jsonl</c> file.</param>
    /// <param name="seed">The seed (generates a built-in task; splits a single file).</param>
    /// <returns>The task definition.</returns>
    /// <exception cref="PromptOptInputException">The argument names nothing known.</exception>
    /// <exception cref="DataFormatException">The dataset is missing or malformed.</exception>
    public static TaskDefinition Resolve(string taskArg, int seed) => Resolve(taskArg, seed, null);

    /// <summary>Resolves <paramref name="taskArg"/>, trying in order: a built-in name, a directory, a file, a dataset under <see cref="TaskResolveOptions.DatasetsRoot"/>.</summary>
    /// <param name="taskArg">A built-in task name, a dataset directory, a <c>.jsonl</c> file, or a dataset name under the datasets root.</param>
    /// <param name="seed">The seed (generates a built-in task; splits a single file).</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <returns>The task definition. A dataset's instruction comes from its README when it has one.</returns>
    /// <exception cref="PromptOptInputException">The argument names nothing known (the message lists the built-in names).</exception>
    /// <exception cref="DataFormatException">The dataset is missing or malformed.</exception>
    public static TaskDefinition Resolve(string taskArg, int seed, TaskResolveOptions? options)
    {
        ArgumentNullException.ThrowIfNull(taskArg);
        options ??= new TaskResolveOptions();
        if (string.IsNullOrWhiteSpace(taskArg))
        {
            throw new PromptOptInputException($"no task given: expected a built-in task ({string.Join(", ", BuiltInTasks.Names)}), a dataset directory or a .jsonl file");
        }

        if (BuiltInTasks.IsBuiltIn(taskArg))
        {
            return BuiltInTasks.Create(taskArg, seed, options.TrainSize, options.TestSize);
        }

        if (Directory.Exists(taskArg))
        {
            return FromDirectory(taskArg);
        }

        if (File.Exists(taskArg))
        {
            return FromFile(taskArg, seed, options.TestFraction);
        }

        if (options.DatasetsRoot is { } root && IsPlainName(taskArg) && Directory.Exists(Path.Combine(root, taskArg)))
        {
            return FromDirectory(Path.Combine(root, taskArg));
        }

        if (taskArg.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || !IsPlainName(taskArg))
        {
            throw new DataFormatException(taskArg, null, "file or directory not found");
        }

        throw new PromptOptInputException(
            $"unknown task \"{taskArg}\": expected a built-in task ({string.Join(", ", BuiltInTasks.Names)}), a dataset directory or a .jsonl file");
    }

    /// <summary>Loads a dataset directory as a task, with the instruction from its README when present.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The task definition.</returns>
    /// <exception cref="DataFormatException">The dataset is missing or malformed.</exception>
    public static TaskDefinition FromDirectory(string directory)
    {
        var dataset = JsonlDatasetLoader.LoadDirectory(directory);
        var task = DatasetTasks.FromDataset(dataset, DatasetReadme.TryReadInstruction(directory));
        return DatasetReadme.TryReadTaskKind(directory) is { } kind ? task.WithKind(kind) : task;
    }

    /// <summary>Loads a single <c>.jsonl</c> file as a task, split into train and test by <paramref name="seed"/>.</summary>
    /// <param name="file">The file.</param>
    /// <param name="seed">The split seed.</param>
    /// <param name="testFraction">The fraction of examples in the test split.</param>
    /// <returns>The task definition (generic instruction).</returns>
    /// <exception cref="DataFormatException">The file is missing or malformed.</exception>
    public static TaskDefinition FromFile(string file, int seed, double testFraction = 0.5)
    {
        var dataset = JsonlDatasetLoader.LoadFile(file, new JsonlLoadOptions { Seed = seed, TestFraction = testFraction });
        return DatasetTasks.FromDataset(dataset);
    }

    private static bool IsPlainName(string arg) =>
        arg.IndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) < 0 && arg != "." && arg != "..";
}
