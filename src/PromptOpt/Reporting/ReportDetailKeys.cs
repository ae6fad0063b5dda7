namespace PromptOpt.Reporting;

/// <summary>
/// The keys of <see cref="Optimizers.OptimizationResult.Details"/> that reports read, and the JSON shape under each.
/// Scores are numbers in the metric's scale (usually 0–1). Every key is optional: a section whose data is missing says
/// so instead of failing. The full reference, with examples, is <c>src/PromptOpt/Reporting/README-details.md</c>.
/// </summary>
public static class ReportDetailKeys
{
    /// <summary>
    /// Dual-Phase: sentence weights over steps. An array with one entry per step (entry 0 = the initial weights before
    /// any edit, entry t = after step t); each entry is an array of <c>{"index": int, "text": string, "weight": number}</c>,
    /// one per editable sentence of the prompt at that step (<c>index</c> is the sentence's 0-based position, <c>text</c>
    /// its text at that step, <c>weight</c> its EXP3 weight, not log-weight).
    /// </summary>
    public const string SentenceWeights = "sentence_weights";

    /// <summary>
    /// Dual-Phase (optional): every attempted sentence rewrite, in order:
    /// <c>[{"step": int, "index": int, "before": string, "after": string, "failure_score": number|null, "score": number|null, "accepted": bool}]</c>
    /// where <c>failure_score</c> is the accuracy on the previous failure set F (the fast check) and <c>score</c> the
    /// score on V (null when the fast check rejected the rewrite).
    /// </summary>
    public const string Edits = "edits";

    /// <summary>
    /// MetaSPO: per source task, <c>[{"task": string, "start": number, "best": number}]</c>: the training score with the
    /// initial system and user prompts, and with the optimized system prompt and the task's best user prompt.
    /// </summary>
    public const string Tasks = "tasks";

    /// <summary>
    /// MetaSPO: unseen-task generalization, <c>[{"task": string, "domain": string, "default": number, "cot": number|null, "optimized": number}]</c>:
    /// the mean test score over the task's user prompts with the default system prompt, the chain-of-thought system
    /// prompt (optional), and the optimized system prompt.
    /// </summary>
    public const string Unseen = "unseen";

    /// <summary>
    /// MetaSPO: test-time adaptation on unseen tasks, <c>[{"task": string, "default": [number…], "optimized": [number…]}]</c>:
    /// the test score after each adaptation iteration (element 0 = before adaptation) with the default and with the
    /// optimized system prompt.
    /// </summary>
    public const string Tta = "tta";

    /// <summary>
    /// EXPO / EXPO-ES: one entry per agent step,
    /// <c>[{"step": int, "reward": number, "cumulative_regret": number, "best_value": number, "arm": int|string, "top_probs": [{"arm": int|string, "p": number}]}]</c>:
    /// the observed reward, the cumulative regret so far, the best objective value found so far, the arm (meta-prompt)
    /// pulled at this step, and the sampling probabilities of the most likely arms (largest first, at most ~10).
    /// </summary>
    public const string Steps = "steps";

    /// <summary>
    /// EXPO (optional): the arms, <c>[{"arm": int|string, "description": string, "instruction": string}]</c>: each arm's task
    /// description D and meta-instruction I.
    /// </summary>
    public const string Arms = "arms";

    /// <summary>
    /// EXPO (optional): comparison curves drawn dashed next to the run's own, e.g. the original fixed meta-prompt:
    /// <c>[{"name": string, "steps": [{"step": int, "cumulative_regret": number, "best_value": number}]}]</c>.
    /// </summary>
    public const string Baselines = "baselines";
}
