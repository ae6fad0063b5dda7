using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Data;

/// <summary>Loads one <see cref="TaskSuiteEntry"/> as a <see cref="TaskDefinition"/> (errors carry the entry's file and line).</summary>
internal static class TaskSuiteResolver
{
    public static TaskDefinition Resolve(TaskSuite suite, TaskSuiteEntry entry, int seed)
    {
        TaskDefinition task;
        try
        {
            task = entry.BuiltIn is { } name
                ? (BuiltInTasks.IsBuiltIn(name)
                    ? BuiltInTasks.Create(name, seed)
                    : throw Error(suite, entry, $"unknown built-in task '{name}' (expected one of: {string.Join(", ", BuiltInTasks.Names)}; use 'dataset:' for a dataset)"))
                : LoadDataset(suite, entry, seed);
        }
        catch (TaskSuiteException)
        {
            throw;
        }
        catch (PromptOptInputException ex)
        {
            throw Error(suite, entry, $"task '{entry.Reference}': {ex.Message}", ex);
        }

        var metric = entry.Metric is { } m ? MetricCatalog.Create(m) : task.Metric;
        var answerFormat = entry.AnswerFormat ?? (ReferenceEquals(metric, task.Metric) ? task.AnswerFormat : DatasetTasks.AnswerFormatFor(task.Dataset, metric));
        return new TaskDefinition(
            entry.Name ?? task.Name,
            task.Dataset,
            metric,
            entry.Instruction ?? task.DefaultInstruction,
            answerFormat,
            task.Skills)
        {
            BaseLogit = task.BaseLogit,
            Description = task.Description,
            Misconceptions = task.Misconceptions,
            Kind = task.Kind,
            Domain = entry.Domain,
            InitialUserPrompt = entry.Prompt,
        };
    }

    private static TaskDefinition LoadDataset(TaskSuite suite, TaskSuiteEntry entry, int seed)
    {
        var reference = entry.Dataset!;
        var local = Path.GetFullPath(Path.Combine(suite.BaseDirectory, reference));
        string? path = Directory.Exists(local) || File.Exists(local) ? local : null;
        if (path is null && suite.DatasetsRoot is { } root)
        {
            var underRoot = Path.GetFullPath(Path.Combine(root, reference));
            path = Directory.Exists(underRoot) || File.Exists(underRoot) ? underRoot : null;
        }

        if (path is null)
        {
            var looked = suite.DatasetsRoot is null ? local : $"{local} or under {suite.DatasetsRoot}";
            throw Error(suite, entry, $"dataset '{reference}' not found (looked for {looked}); paths are relative to the suite file, or set 'datasets_root:'");
        }

        return Directory.Exists(path) ? TaskCatalog.FromDirectory(path) : TaskCatalog.FromFile(path, seed);
    }

    private static TaskSuiteException Error(TaskSuite suite, TaskSuiteEntry entry, string message, Exception? inner = null) =>
        new(suite.FilePath, entry.Line, entry.Column, message, inner);
}
