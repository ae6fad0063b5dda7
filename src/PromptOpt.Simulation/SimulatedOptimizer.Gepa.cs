using PromptOpt.Prompts;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Simulation;

/// <content>
/// GEPA's and MIPROv2's operations, built only from the shared helpers so that none is more generous than its twin:
/// reflection diagnoses like ProTeGi's textual gradient (one diagnosed failure, <see cref="Context.Diagnose"/> at
/// <see cref="SimOptions.AnalyzeHitRate"/>) and writes like its edit (<see cref="Context.Edit"/>); the grounded proposal
/// understands like APE's instruction induction (<see cref="InduceInstruction"/>, the same rates); the data summary
/// carries no insight (what kind of task it is, and its own instruction). Demo bootstrapping is not an optimizer
/// operation: it runs the task model.
/// </content>
internal static partial class SimulatedOptimizer
{
    /// <summary>GEPA reflection: textual gradient (one failure of the minibatch diagnosed) + apply it to the component.</summary>
    private static string ReflectComponent(Context c)
    {
        var prompt = OperationArgs.ToPrompt(c.Args[K.Prompt]) ?? new Prompt(null, Prompt.QuestionPlaceholder);
        bool user = c.Target != PromptTarget.System;
        var text = user ? prompt.User : prompt.System ?? string.Empty;
        var failures = OperationArgs.ToFailures(c.Args[K.Examples])
            .Where((_, i) => (c.Args[K.Examples]?[i]?["score"]?.GetValue<double>() ?? 0) < 1.0)
            .Take(Math.Max(1, c.Options.MaxFailuresRead)).ToList();
        if (failures.Count == 0)
        {
            return c.Wrap("new_text", c.ParaphraseAndHarm(text, user));
        }

        var skill = c.Diagnose(failures[c.Rng.Next(failures.Count)], prompt.System, prompt.User, user ? PromptTarget.User : PromptTarget.Whole, c.Options.AnalyzeHitRate);
        return c.Wrap("new_text", c.Edit(text, [skill], isUser: user));
    }

    /// <summary>MIPROv2 data summary: the kind of task and, when the examples are recognised, the task's own one-line instruction.</summary>
    private static string SummarizeData(Context c)
    {
        var demos = OperationArgs.ToDemos(c.Args[K.Demos]);
        var task = c.TaskOf(demos.Select(d => d.Input));
        var what = task is null ? string.Empty : " " + task.Definition.DefaultInstruction.Trim();
        return c.Wrap("summary", $"The dataset is a {KindOf(demos)} task.{what} Each input is one question and each output a short answer.");
    }

    /// <summary>MIPROv2 grounded proposal: understands the demos exactly as APE's instruction induction does.</summary>
    private static string ProposeInstruction(Context c) => InduceInstruction(c);
}
