using PromptOpt.Prompts;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Simulation;

/// <content>
/// GEPA's and MIPROv2's operations, built only from the two shared models (SIMULATOR.md v2, "Optimizer role") so that
/// none is more generous than its twin: reflection diagnoses one failure of the minibatch with the shared
/// <see cref="DiagnosisModel"/> (as ProTeGi's textual gradient does) and writes it into the component with the shared
/// <see cref="WriterModel"/> (as ProTeGi's edit does); the grounded proposal understands the demos exactly as APE's
/// instruction induction does (<see cref="InduceInstruction"/>); the data summary carries no insight (what kind of
/// task it is, and its own instruction). Demo bootstrapping is not an optimizer operation: it runs the task model.
/// </content>
internal static partial class SimulatedOptimizer
{
    /// <summary>GEPA reflection: one failure of the minibatch diagnosed, the skill written into the component.</summary>
    private static string ReflectComponent(Call c)
    {
        var prompt = c.PromptOr(Prompt.QuestionPlaceholder);
        bool user = c.Target != PromptTarget.System;
        var text = user ? prompt.User : prompt.System ?? string.Empty;
        var examples = OperationArgs.ToFailures(c.Args[K.Examples]);
        var failures = examples
            .Where((_, i) => (c.Args[K.Examples]?[i]?["score"]?.GetValue<double>() ?? 0) < 1.0)
            .Take(Math.Max(1, c.Options.MaxFailuresRead)).ToList();
        var task = c.TaskOf(examples.Select(f => f.Input));
        var writer = c.World.Writer;
        string written;
        if (failures.Count == 0)
        {
            written = writer.Paraphrase(text, c.World.OptimizerCatalogue(task), c.Rng);
        }
        else
        {
            var skill = c.World.Diagnosis.Diagnose(failures[c.Rng.Next(failures.Count)], prompt, c.Rng);
            written = writer.AddSkills(text, [skill], c.Rng);
        }

        written = writer.Finish(written, task, c.Rng);
        return c.Wrap("new_text", user ? c.MaybeLosePlaceholder(written) : written);
    }

    /// <summary>MIPROv2 data summary: the kind of task and, when the examples are recognised, the task's own one-line instruction.</summary>
    private static string SummarizeData(Call c)
    {
        var demos = OperationArgs.ToDemos(c.Args[K.Demos]);
        var task = c.TaskOf(demos.Select(d => d.Input));
        var what = task is null ? string.Empty : " " + task.Definition.DefaultInstruction.Trim();
        return c.Wrap("summary", $"The dataset is a {KindOf(demos)} task.{what} Each input is one question and each output a short answer.");
    }

    /// <summary>MIPROv2 grounded proposal: understands the demos exactly as APE's instruction induction does.</summary>
    private static string ProposeInstruction(Call c) => InduceInstruction(c);
}
