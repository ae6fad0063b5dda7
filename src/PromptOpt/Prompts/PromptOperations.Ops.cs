using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Prompts;

/// <content>The operations.</content>
public sealed partial class PromptOperations
{
    /// <summary>Analyses why <paramref name="prompt"/> failed (MetaSPO user/system analyzer, ALGORITHMS.md 3.3).</summary>
    /// <param name="prompt">The current prompt.</param>
    /// <param name="failures">The failures (for the system target, pooled from several tasks).</param>
    /// <param name="target">The part to analyse.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The analysis text, or <see langword="null"/> when dropped.</returns>
    public Task<string?> AnalyzeFailuresAsync(
        Prompt prompt, IReadOnlyList<FailureCase> failures, PromptTarget target = PromptTarget.User, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(failures);
        var focus = target switch
        {
            PromptTarget.System => OperationPrompts.FocusSystem,
            PromptTarget.Whole => OperationPrompts.FocusWhole,
            _ => OperationPrompts.FocusUser,
        };
        var text = OperationPrompts.Fill(OperationPrompts.AnalyzeFailures, Slots(
            ("FOCUS", focus), ("SYSTEM", prompt.System ?? string.Empty), ("USER", prompt.User), ("FAILURES", OperationPrompts.FormatFailures(failures))));
        var args = new JsonObject
        {
            [K.Prompt] = OperationArgs.FromPrompt(prompt),
            [K.Target] = TargetName(target),
            [K.Failures] = OperationArgs.FromFailures(failures),
        };
        return CallAsync(OperationNames.AnalyzeFailures, args, text, sampleIndex, Tag("analysis"), cancellationToken);
    }

    /// <summary>
    /// Writes an improved prompt from an analysis (MetaSPO generators). <see cref="PromptTarget.User"/> replaces the user
    /// prompt and requires the placeholder; <see cref="PromptTarget.System"/> replaces the system prompt;
    /// <see cref="PromptTarget.Whole"/> returns a user-only prompt written from the joined text (placeholder required).
    /// </summary>
    /// <param name="prompt">The current prompt.</param>
    /// <param name="analysis">The analysis (from <see cref="AnalyzeFailuresAsync"/>).</param>
    /// <param name="failures">The failures shown to the generator (ignored for the system target, as in MetaSPO).</param>
    /// <param name="target">The part to rewrite.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The new prompt, or <see langword="null"/> when dropped.</returns>
    public async Task<Prompt?> GenerateFromAnalysisAsync(
        Prompt prompt, string analysis, IReadOnlyList<FailureCase> failures, PromptTarget target = PromptTarget.User, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(failures);
        var args = new JsonObject
        {
            [K.Prompt] = OperationArgs.FromPrompt(prompt),
            [K.Target] = TargetName(target),
            [K.Analysis] = analysis,
            [K.Failures] = OperationArgs.FromFailures(target == PromptTarget.System ? [] : failures),
        };
        var failureText = OperationPrompts.FormatFailures(failures);
        switch (target)
        {
            case PromptTarget.System:
            {
                var text = OperationPrompts.Fill(OperationPrompts.GenerateSystem, Slots(("SYSTEM", prompt.System ?? string.Empty), ("ANALYSIS", analysis)));
                var system = await CallAsync(OperationNames.GenerateFromAnalysis, args, text, sampleIndex, Tag("improved_system_prompt"), cancellationToken).ConfigureAwait(false);
                return system is null ? null : prompt with { System = system };
            }

            case PromptTarget.Whole:
            {
                var text = OperationPrompts.Fill(OperationPrompts.GenerateWhole, Slots(("TEXT", prompt.FullText), ("FAILURES", failureText), ("ANALYSIS", analysis)));
                var user = await CallAsync(OperationNames.GenerateFromAnalysis, args, text, sampleIndex, UserPromptTag("prompt"), cancellationToken).ConfigureAwait(false);
                return user is null ? null : new Prompt(null, user);
            }

            default:
            {
                var text = OperationPrompts.Fill(OperationPrompts.GenerateUser, Slots(
                    ("SYSTEM", prompt.System ?? string.Empty), ("USER", prompt.User), ("FAILURES", failureText), ("ANALYSIS", analysis)));
                var user = await CallAsync(OperationNames.GenerateFromAnalysis, args, text, sampleIndex, UserPromptTag("improved_instruction_prompt"), cancellationToken).ConfigureAwait(false);
                return user is null ? null : prompt with { User = user };
            }
        }
    }

    /// <summary>Rewrites one sentence of a prompt so the failures would be answered right (Dual-Phase phase 2, ALGORITHMS.md 2.2 step 3.2).</summary>
    /// <param name="view">The current prompt as sentences.</param>
    /// <param name="index">The index of the sentence to rewrite.</param>
    /// <param name="failures">The failures of the current prompt.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The new sentence text only, or <see langword="null"/> when dropped.</returns>
    public Task<string?> RewriteSentenceAsync(
        SentenceView view, int index, IReadOnlyList<FailureCase> failures, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, view.Count);
        var full = view.Join();
        var sentence = view[index].Text;
        var text = OperationPrompts.Fill(OperationPrompts.RewriteSentence, Slots(
            ("TEXT", full), ("FAILURES", OperationPrompts.FormatFailures(failures)),
            ("INDEX", (index + 1).ToString(CultureInfo.InvariantCulture)), ("SENTENCE", sentence)));
        var args = new JsonObject
        {
            [K.Text] = full,
            [K.Index] = index,
            [K.Sentence] = sentence,
            [K.Failures] = OperationArgs.FromFailures(failures),
        };
        return CallAsync<string>(OperationNames.RewriteSentence, args, text, sampleIndex, reply =>
        {
            var s = TagParser.Extract(reply, "sentence");
            return s is null ? (null, "missing <sentence> tag")
                : s.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal) ? (null, "the sentence must not contain the placeholder")
                : (s, null);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes a sectioned initial prompt from demos and the skeleton (Dual-Phase phase 1, ALGORITHMS.md 2.2). The
    /// placeholder is appended on its own line when the reply has none.
    /// </summary>
    /// <param name="demos">The labelled demos (ALGORITHMS.md 5: 5 by default).</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The prompt, or <see langword="null"/> when dropped.</returns>
    public async Task<Prompt?> WriteInitialPromptAsync(IReadOnlyList<Example> demos, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(demos);
        var skeleton = Options.InitialSkeleton;
        var text = OperationPrompts.Fill(OperationPrompts.WriteInitialPrompt, Slots(
            ("DEMOS", OperationPrompts.FormatDemos(demos)), ("SKELETON", OperationPrompts.FormatSkeleton(skeleton))));
        var args = new JsonObject
        {
            [K.Demos] = OperationArgs.FromDemos(demos),
            [K.Skeleton] = new JsonArray(skeleton.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        };
        var body = await CallAsync(OperationNames.WriteInitialPrompt, args, text, sampleIndex, Tag("prompt"), cancellationToken).ConfigureAwait(false);
        return body is null ? null : Prompt.FromInstruction(body);
    }

    /// <summary>Induces an instruction from demos (APE's "I gave a friend an instruction…"); the placeholder is appended.</summary>
    /// <param name="demos">The demos.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The prompt, or <see langword="null"/> when dropped.</returns>
    public async Task<Prompt?> InduceInstructionAsync(IReadOnlyList<Example> demos, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(demos);
        var text = OperationPrompts.Fill(OperationPrompts.InduceInstruction, Slots(("DEMOS", OperationPrompts.FormatDemos(demos))));
        var args = new JsonObject { [K.Demos] = OperationArgs.FromDemos(demos) };
        var body = await CallAsync(OperationNames.InduceInstruction, args, text, sampleIndex, Tag("instruction"), cancellationToken).ConfigureAwait(false);
        return body is null ? null : Prompt.FromInstruction(body);
    }

    /// <summary>Writes a meaning-preserving variant of the user prompt (APE resample, ProTeGi Monte-Carlo paraphrase); the system part is kept.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The variant, or <see langword="null"/> when dropped.</returns>
    public async Task<Prompt?> ParaphraseAsync(Prompt prompt, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var text = OperationPrompts.Fill(OperationPrompts.Paraphrase, Slots(("TEXT", prompt.User)));
        var args = new JsonObject { [K.Prompt] = OperationArgs.FromPrompt(prompt) };
        var user = await CallAsync(OperationNames.Paraphrase, args, text, sampleIndex, UserPromptTag("prompt"), cancellationToken).ConfigureAwait(false);
        return user is null ? null : prompt with { User = user };
    }

    /// <summary>
    /// Proposes new instructions from a scored history (OPRO): the best <see cref="PromptOperationOptions.MaxHistory"/>
    /// entries in ascending score order plus exemplars.
    /// </summary>
    /// <param name="history">The scored instructions so far (any order).</param>
    /// <param name="exemplars">Task exemplars (OPRO: 3 random training examples).</param>
    /// <param name="count">How many instructions to ask for (OPRO: 8).</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Up to <paramref name="count"/> instructions (without placeholder); empty when dropped.</returns>
    public async Task<IReadOnlyList<string>> ProposeFromHistoryAsync(
        IReadOnlyList<ScoredInstruction> history, IReadOnlyList<Example> exemplars, int count, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(exemplars);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var shown = history.Select((h, i) => (h, i))
            .OrderByDescending(x => x.h.Score).ThenBy(x => x.i).Take(Options.MaxHistory)
            .OrderBy(x => x.h.Score).ThenByDescending(x => x.i).Select(x => x.h).ToList();
        var text = OperationPrompts.Fill(OperationPrompts.ProposeFromHistory, Slots(
            ("HISTORY", OperationPrompts.FormatHistory(shown)), ("EXEMPLARS", OperationPrompts.FormatExemplars(exemplars)),
            ("COUNT", count.ToString(CultureInfo.InvariantCulture))));
        var args = new JsonObject
        {
            [K.History] = OperationArgs.FromHistory(shown),
            [K.Demos] = OperationArgs.FromDemos(exemplars),
            [K.Count] = count,
        };
        return await CallAsync(OperationNames.ProposeFromHistory, args, text, sampleIndex, Tags("instruction", count), cancellationToken).ConfigureAwait(false) ?? [];
    }

    /// <summary>Asks for reasons why the prompt fails on the errors (ProTeGi's textual gradient).</summary>
    /// <param name="prompt">The prompt (its user part is shown).</param>
    /// <param name="errors">The errors (ProTeGi: 4 of a minibatch).</param>
    /// <param name="count">How many reasons (ProTeGi: 4).</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Up to <paramref name="count"/> reasons; empty when dropped.</returns>
    public async Task<IReadOnlyList<string>> TextualGradientAsync(
        Prompt prompt, IReadOnlyList<FailureCase> errors, int count, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var text = OperationPrompts.Fill(OperationPrompts.TextualGradient, Slots(
            ("TEXT", prompt.User), ("FAILURES", OperationPrompts.FormatFailures(errors)), ("COUNT", count.ToString(CultureInfo.InvariantCulture))));
        var args = new JsonObject
        {
            [K.Prompt] = OperationArgs.FromPrompt(prompt),
            [K.Failures] = OperationArgs.FromFailures(errors),
            [K.Count] = count,
        };
        return await CallAsync(OperationNames.TextualGradient, args, text, sampleIndex, Tags("reason", count), cancellationToken).ConfigureAwait(false) ?? [];
    }

    /// <summary>Edits the user prompt to fix one textual gradient (ProTeGi); the placeholder must survive.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="errors">The errors the gradient was computed from.</param>
    /// <param name="gradient">The reason to fix.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The edited prompt, or <see langword="null"/> when dropped.</returns>
    public async Task<Prompt?> ApplyGradientAsync(
        Prompt prompt, IReadOnlyList<FailureCase> errors, string gradient, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(gradient);
        var text = OperationPrompts.Fill(OperationPrompts.ApplyGradient, Slots(
            ("TEXT", prompt.User), ("FAILURES", OperationPrompts.FormatFailures(errors)), ("ANALYSIS", gradient)));
        var args = new JsonObject
        {
            [K.Prompt] = OperationArgs.FromPrompt(prompt),
            [K.Failures] = OperationArgs.FromFailures(errors),
            [K.Analysis] = gradient,
        };
        var user = await CallAsync(OperationNames.ApplyGradient, args, text, sampleIndex, UserPromptTag("prompt"), cancellationToken).ConfigureAwait(false);
        return user is null ? null : prompt with { User = user };
    }

    /// <summary>Writes variants of a task description or meta-instruction (EXPO); accepts tags or, failing that, a numbered list.</summary>
    /// <param name="text">The original text.</param>
    /// <param name="kind">What the text is.</param>
    /// <param name="count">How many variants.</param>
    /// <param name="sampleIndex">The sample index.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Up to <paramref name="count"/> variants; empty when dropped.</returns>
    public async Task<IReadOnlyList<string>> GenerateVariantsAsync(
        string text, VariantKind kind, int count, int sampleIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var kindName = kind == VariantKind.MetaInstruction ? "meta_instruction" : "task_description";
        var message = OperationPrompts.Fill(OperationPrompts.GenerateVariants, Slots(
            ("KIND", kind == VariantKind.MetaInstruction ? "meta-instruction" : "task description"), ("TEXT", text),
            ("COUNT", count.ToString(CultureInfo.InvariantCulture))));
        var args = new JsonObject { [K.Text] = text, [K.Kind] = kindName, [K.Count] = count };
        return await CallAsync(OperationNames.GenerateVariants, args, message, sampleIndex, Tags("variant", count, numberedFallback: true), cancellationToken).ConfigureAwait(false) ?? [];
    }

    private static string TargetName(PromptTarget target) => target switch
    {
        PromptTarget.System => "system",
        PromptTarget.Whole => "whole",
        _ => "user",
    };
}
