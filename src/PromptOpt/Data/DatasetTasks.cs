using System.Globalization;
using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Data;

/// <summary>
/// Turns a loaded <see cref="Dataset"/> into a <see cref="TaskDefinition"/>: the metric is chosen from the data, and the
/// answer-format line and default instruction follow from it. Dataset tasks declare no skills (the simulator knows a public benchmark's skills from its knowledge file).
/// </summary>
public static class DatasetTasks
{
    /// <summary>The largest label set listed in full in the answer-format line.</summary>
    private const int MaxListedLabels = 12;

    /// <summary>Creates the task definition of a dataset.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="instruction">The one-line instruction (e.g. from the dataset's README), or <see langword="null"/> for a generic one.</param>
    /// <param name="metric">The metric, or <see langword="null"/> to infer it (<see cref="InferMetric"/>).</param>
    /// <returns>The task definition, named after the dataset.</returns>
    public static TaskDefinition FromDataset(Dataset dataset, string? instruction = null, IMetric? metric = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        metric ??= InferMetric(dataset);
        return new TaskDefinition(
            dataset.Name,
            dataset,
            metric,
            string.IsNullOrWhiteSpace(instruction) ? GenericInstruction(dataset, metric) : instruction.Trim(),
            AnswerFormatFor(dataset, metric))
        {
            Description = string.Create(CultureInfo.InvariantCulture,
                $"dataset {dataset.Name}: {dataset.Train.Count} train / {dataset.Dev.Count} dev / {dataset.Test.Count} test, metric {metric.Name}"),
        };
    }

    /// <summary>
    /// Chooses a metric from the data: every example has choices → <see cref="ChoiceMetric"/>; some example has
    /// <c>meta.answers_set</c> → <see cref="SetMatchMetric"/>; every target is a number → <see cref="NumericMetric"/>;
    /// otherwise <see cref="ExactMatchMetric"/> (which accepts any of <c>meta.answers</c>).
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns>The metric.</returns>
    public static IMetric InferMetric(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var all = dataset.All.ToList();
        if (all.Count > 0 && all.All(e => e.Choices is { Count: > 0 }))
        {
            return ChoiceMetric.Instance;
        }

        if (all.Any(e => e.Meta?.ContainsKey(ExampleAnswers.AnswersSetKey) == true))
        {
            return SetMatchMetric.Instance;
        }

        if (all.Count > 0 && all.All(e => AnswerExtractor.ParseNumber(e.Target) is not null))
        {
            return NumericMetric.Instance;
        }

        return ExactMatchMetric.Instance;
    }

    /// <summary>The answer-format line for a dataset scored by <paramref name="metric"/>, e.g. "Answer with only the final number inside &lt;answer&gt;&lt;/answer&gt; tags.".</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="metric">The metric.</param>
    /// <returns>The line.</returns>
    public static string AnswerFormatFor(Dataset dataset, IMetric metric)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(metric);
        const string Tags = "inside <answer></answer> tags.";
        return metric switch
        {
            ChoiceMetric or MacroF1Metric => LabelSet(dataset) switch
            {
                { } labels when labels.All(IsOptionLetter) => $"Answer with only the option letter, such as {labels[0]}, {Tags}",
                { Count: <= MaxListedLabels } labels => $"Answer with only one of the options ({string.Join(", ", labels)}) {Tags}",
                _ => $"Answer with only one of the given options {Tags}",
            },
            NumericMetric => $"Answer with only the final number {Tags}",
            SetMatchMetric => $"Answer with only the items, separated by commas, {Tags}",
            _ => $"Answer with only the answer {Tags}",
        };
    }

    /// <summary>A generic one-line instruction for a dataset without one.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="metric">The metric.</param>
    /// <returns>The instruction.</returns>
    public static string GenericInstruction(Dataset dataset, IMetric metric)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(metric);
        return metric switch
        {
            ChoiceMetric or MacroF1Metric => LabelSet(dataset) switch
            {
                { } labels when labels.All(IsOptionLetter) => "Answer the multiple-choice question by choosing the correct option.",
                { Count: <= MaxListedLabels } labels => $"Classify the input as one of: {string.Join(", ", labels)}.",
                _ => "Classify the input into one of the given labels.",
            },
            NumericMetric => "Solve the problem and give the final number.",
            SetMatchMetric => "List the items the input asks for.",
            _ => "Give the answer for the input.",
        };
    }

    /// <summary>The union of all examples' choices in first-seen order, or <see langword="null"/> when no example has choices.</summary>
    private static List<string>? LabelSet(Dataset dataset)
    {
        var labels = new List<string>();
        foreach (var e in dataset.All)
        {
            foreach (var c in e.Choices ?? [])
            {
                if (!labels.Contains(c, StringComparer.Ordinal))
                {
                    labels.Add(c);
                }
            }
        }

        return labels.Count == 0 ? null : labels;
    }

    private static bool IsOptionLetter(string choice) => choice.Length == 3 && choice[0] == '(' && char.IsAsciiLetter(choice[1]) && choice[2] == ')';
}
