using PromptOpt.Evaluation;
using PromptOpt.Prompts;
using static PromptOpt.Optimizers.Baselines.BaselineSupport;

namespace PromptOpt.Optimizers.Baselines.ProTeGi;

/// <summary>A successor of a beam member.</summary>
/// <param name="Prompt">The prompt (the parent's system part, a new user part).</param>
/// <param name="Operation">How it was written: <c>apply_gradient</c>, <c>paraphrase</c> (of the parent), <c>apply_gradient+paraphrase</c>, or <c>analyze_generate</c>.</param>
/// <param name="Note">The gradient or analysis it came from, shortened, or <see langword="null"/>.</param>
internal sealed record Successor(Prompt Prompt, string Operation, string? Note);

/// <summary>
/// Writes the successors of one beam member (ProTeGi "expand", LMOps <c>ProTeGi.expand_candidates</c>) with the shared
/// <see cref="PromptOperations"/>. The system prompt is never changed: every operation rewrites the user part only.
/// </summary>
internal sealed class ProTeGiExpander(OptimizationSession session, PromptOperations ops, ProTeGiOptions options)
{
    private const int NoteLength = 160;
    private int _sample;

    /// <summary>Gets the optimizer calls one parent costs at most (for the announced estimate).</summary>
    /// <param name="options">The options.</param>
    /// <param name="cap">The successors kept per parent.</param>
    /// <returns>The calls (retries of unusable replies not included).</returns>
    public static long CallsPerParent(ProTeGiOptions options, int cap)
    {
        if (options.Expansion == ProTeGiExpansion.AnalyzeAndGenerate)
        {
            return 2L * cap;
        }

        long edits = (long)options.Gradients * options.ReasonsPerGradient * options.EditsPerGradient;
        return options.Gradients + edits + ((edits + 1) * options.Paraphrases);
    }

    /// <summary>Expands <paramref name="parent"/> from its minibatch results.</summary>
    /// <param name="parent">The beam member.</param>
    /// <param name="minibatch">Its results on this round's minibatch (the errors feed the gradients).</param>
    /// <param name="cap">The maximum number of successors to keep (a random subset when more are new).</param>
    /// <param name="isNew">Whether a prompt is new to the run (not seen, not already a successor this round).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The new successors, at most <paramref name="cap"/>.</returns>
    public async Task<IReadOnlyList<Successor>> ExpandAsync(
        Prompt parent, IReadOnlyList<ExampleResult> minibatch, int cap, Func<Prompt, bool> isNew, CancellationToken cancellationToken)
    {
        var errors = FailureCase.FromResults(minibatch);
        var written = options.Expansion == ProTeGiExpansion.AnalyzeAndGenerate
            ? await AnalyzeAndGenerateAsync(parent, errors, cap, cancellationToken).ConfigureAwait(false)
            : await GradientAsync(parent, errors, cancellationToken).ConfigureAwait(false);

        // LMOps: dedupe, then keep a random max_expansion_factor of them.
        var keys = new HashSet<string>(StringComparer.Ordinal) { Key(parent) };
        var fresh = written.Where(s => s.Prompt.HasPlaceholder && keys.Add(Key(s.Prompt)) && isNew(s.Prompt)).ToList();
        if (fresh.Count <= cap)
        {
            return fresh;
        }

        var keep = Sample(session.Rng, Enumerable.Range(0, fresh.Count).ToList(), cap).Order().ToList();
        return keep.Select(i => fresh[i]).ToList();
    }

    private async Task<List<Successor>> GradientAsync(Prompt parent, IReadOnlyList<FailureCase> errors, CancellationToken cancellationToken)
    {
        var system = parent.System;
        var edits = new List<Successor>();
        if (errors.Count > 0 && options.Gradients > 0)
        {
            // ProTeGi: n_gradients calls, each on errors_per_gradient random errors of the minibatch.
            var errorSets = Enumerable.Range(0, options.Gradients).Select(_ => (IReadOnlyList<FailureCase>)Sample(session.Rng, errors, options.ErrorsPerGradient)).ToList();
            var reasons = await WhenAllAsync(errorSets
                .Select(set => ops.TextualGradientAsync(parent, set, options.ReasonsPerGradient, _sample++, cancellationToken)).ToList()).ConfigureAwait(false);

            // One edit call per (gradient, step): "apply the gradient" with the errors it came from.
            var jobs = errorSets.SelectMany((set, g) => reasons[g].SelectMany(reason =>
                Enumerable.Range(0, options.EditsPerGradient).Select(_ => (Set: set, Reason: reason, Sample: _sample++)))).ToList();
            var edited = await WhenAllAsync(jobs
                .Select(j => ops.ApplyGradientAsync(parent, j.Set, j.Reason, j.Sample, cancellationToken)).ToList()).ConfigureAwait(false);
            edits.AddRange(edited.Select((p, i) => p is null ? null : new Successor(WithSystem(p, system), "apply_gradient", Shorten(jobs[i].Reason)))
                .OfType<Successor>());
        }

        // Monte-Carlo paraphrases of every edit and of the parent itself.
        var sources = edits.Select(e => (Prompt: e.Prompt, Operation: "apply_gradient+paraphrase", e.Note))
            .Append((Prompt: parent, Operation: "paraphrase", Note: (string?)null)).ToList();
        var mcJobs = sources.SelectMany(src => Enumerable.Range(0, options.Paraphrases).Select(_ => (Source: src, Sample: _sample++))).ToList();
        var paraphrased = await WhenAllAsync(mcJobs
            .Select(j => ops.ParaphraseAsync(j.Source.Prompt, j.Sample, cancellationToken)).ToList()).ConfigureAwait(false);
        var all = new List<Successor>(edits);
        all.AddRange(paraphrased.Select((p, i) => p is null ? null : new Successor(WithSystem(p, system), mcJobs[i].Source.Operation, mcJobs[i].Source.Note))
            .OfType<Successor>());
        return all;
    }

    private async Task<List<Successor>> AnalyzeAndGenerateAsync(Prompt parent, IReadOnlyList<FailureCase> errors, int count, CancellationToken cancellationToken)
    {
        // MetaSPO's user optimizer (ALGORITHMS.md 3.2 step 3.2): each successor from its own random failures of the parent.
        var sets = Enumerable.Range(0, count).Select(_ => (IReadOnlyList<FailureCase>)Sample(session.Rng, errors, options.FailuresPerAnalysis)).ToList();
        var samples = sets.Select(_ => (Analysis: _sample++, Generate: _sample++)).ToList();
        var written = await WhenAllAsync(sets.Select(async (set, i) =>
        {
            var analysis = await ops.AnalyzeFailuresAsync(parent, set, PromptTarget.User, samples[i].Analysis, cancellationToken).ConfigureAwait(false);
            if (analysis is null)
            {
                return null;
            }

            var p = await ops.GenerateFromAnalysisAsync(parent, analysis, set, PromptTarget.User, samples[i].Generate, cancellationToken).ConfigureAwait(false);
            return p is null ? null : new Successor(WithSystem(p, parent.System), "analyze_generate", Shorten(analysis));
        }).ToList()).ConfigureAwait(false);
        return written.OfType<Successor>().ToList();
    }

    private static string Shorten(string text)
    {
        var t = text.ReplaceLineEndings(" ").Trim();
        return t.Length <= NoteLength ? t : t[..NoteLength] + "…";
    }
}
