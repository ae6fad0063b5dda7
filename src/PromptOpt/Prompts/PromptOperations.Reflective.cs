using System.Text.Json.Nodes;
using PromptOpt.Data;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Prompts;

/// <content>The operations of GEPA (reflection on one component) and MIPROv2 (data summary, grounded proposal).</content>
public sealed partial class PromptOperations
{
    /// <summary>
    /// GEPA's reflective mutation (ALGORITHMS.md 6, GEPA loop): hands the reflection model one component's text with each
    /// minibatch example's input, response, expected answer and the metric's feedback, and parses the new text. The user
    /// component must keep the question placeholder; the system component must not contain it.
    /// </summary>
    /// <param name="prompt">The parent prompt.</param>
    /// <param name="component">The component to rewrite (<see cref="PromptTarget.System"/> or <see cref="PromptTarget.User"/>).</param>
    /// <param name="examples">The minibatch with outcomes.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The child prompt (the other component and the demos kept), or <see langword="null"/> when dropped.</returns>
    public async Task<Prompt?> ReflectComponentAsync(
        Prompt prompt, PromptTarget component, IReadOnlyList<FeedbackCase> examples, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(examples);
        bool user = component != PromptTarget.System;
        var text = OperationPrompts.Fill(OperationPrompts.ReflectComponent, Slots(
            ("COMPONENT", user ? "user prompt" : "system prompt"),
            ("TEXT", user ? prompt.User : prompt.System ?? string.Empty),
            ("EXAMPLES", OperationPrompts.FormatFeedbackExamples(examples)),
            ("KEEP", user
                ? $"The new text must contain the literal placeholder {Prompt.QuestionPlaceholder} exactly where the input goes."
                : $"The new text is a system prompt: it must not contain {Prompt.QuestionPlaceholder}.")));
        var array = new JsonArray();
        foreach (var e in examples)
        {
            array.Add(new JsonObject
            {
                ["input"] = e.Case.Input,
                ["output"] = e.Case.ModelOutput,
                ["prediction"] = e.Case.Prediction,
                ["expected"] = e.Case.Expected,
                ["feedback"] = e.Feedback,
                ["score"] = e.Score,
            });
        }

        var args = new JsonObject
        {
            [K.Prompt] = OperationArgs.FromPrompt(prompt),
            [K.Target] = user ? "user" : "system",
            [K.Examples] = array,
        };
        ReplyParser<string> parse = user
            ? UserPromptTag("new_text")
            : reply => TagParser.Extract(reply, "new_text") is not { } s ? (null, "missing <new_text> tag")
                : s.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal) ? (null, "a system prompt must not contain the placeholder")
                : string.IsNullOrWhiteSpace(s) ? (null, "empty system prompt")
                : (s, null);
        var written = await CallAsync(OperationNames.ReflectComponent, args, text, sampleIndex, parse, cancellationToken).ConfigureAwait(false);
        return written is null ? null : user ? prompt with { User = written } : prompt with { System = written };
    }

    /// <summary>MIPROv2 step 2's data summary (ALGORITHMS.md 6): one optimizer call over a sample of the training set.</summary>
    /// <param name="sample">The training examples shown.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The summary, or <see langword="null"/> when dropped.</returns>
    public Task<string?> SummarizeDataAsync(IReadOnlyList<Example> sample, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var text = OperationPrompts.Fill(OperationPrompts.SummarizeData, Slots(("DEMOS", OperationPrompts.FormatDemos(sample))));
        var args = new JsonObject { [K.Demos] = OperationArgs.FromDemos(sample) };
        return CallAsync(OperationNames.SummarizeData, args, text, sampleIndex, Tag("summary"), cancellationToken);
    }

    /// <summary>
    /// MIPROv2 step 2's grounded proposal (ALGORITHMS.md 6): a new instruction from the data summary, a demo set, the
    /// current instruction and one tip.
    /// </summary>
    /// <param name="summary">The data summary (empty when it was dropped).</param>
    /// <param name="demos">The demos shown (a candidate demo set; may be empty).</param>
    /// <param name="currentInstruction">The current instruction (the start prompt's, without the placeholder).</param>
    /// <param name="tip">The tip sentence (empty for none).</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The instruction without placeholder, or <see langword="null"/> when dropped.</returns>
    public Task<string?> ProposeInstructionAsync(
        string summary, IReadOnlyList<Demo> demos, string currentInstruction, string tip, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(currentInstruction);
        ArgumentNullException.ThrowIfNull(tip);
        var asExamples = demos.Select((d, i) => new Example("demo-" + i, d.Input, d.Reply)).ToList();
        var text = OperationPrompts.Fill(OperationPrompts.ProposeInstruction, Slots(
            ("SUMMARY", summary.Length == 0 ? "(none)" : summary),
            ("DEMOS", asExamples.Count == 0 ? "(none)" : OperationPrompts.FormatDemos(asExamples)),
            ("TEXT", currentInstruction),
            ("TIP", tip)));
        var args = new JsonObject
        {
            [K.Summary] = summary,
            [K.Demos] = OperationArgs.FromDemos(asExamples),
            [K.Text] = currentInstruction,
            [K.Tip] = tip,
        };
        return CallAsync<string>(OperationNames.ProposeInstruction, args, text, sampleIndex, reply =>
        {
            var s = TagParser.Extract(reply, "instruction");
            return s is null ? (null, "missing <instruction> tag")
                : string.IsNullOrWhiteSpace(s.Replace(Prompt.QuestionPlaceholder, string.Empty, StringComparison.Ordinal)) ? (null, "empty instruction")
                : (s, null);
        }, cancellationToken);
    }
}
