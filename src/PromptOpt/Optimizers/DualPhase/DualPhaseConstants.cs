namespace PromptOpt.Optimizers.DualPhase;

/// <summary>The names Dual-Phase uses in candidate records, stop reasons and report details.</summary>
public static class DualPhaseNames
{
    /// <summary>The method name on the command line and in results.</summary>
    public const string Method = "dual-phase";

    /// <summary>The ablation without phase 1: phase 2 starts from the start prompt (<see cref="DualPhaseOptions.InitialPrompt"/> off).</summary>
    public const string NoInitial = "dual-phase:no-initial";

    /// <summary>The ablation that rewrites the whole prompt instead of one sentence (<see cref="DualPhaseOptions.SentenceLevel"/> off).</summary>
    public const string WholePrompt = "dual-phase:whole-prompt";

    /// <summary>The one-line description in the optimizer registry.</summary>
    public const string Description = "Dual-Phase APO: a sectioned initial prompt from demos, then EXP3-sampled sentence rewrites checked on past failures";

    /// <summary>Candidate operation of the request's starting prompt.</summary>
    public const string StartOperation = "start";

    /// <summary>Candidate operation of the phase-1 prompt P0.</summary>
    public const string InitialOperation = "initial_prompt";

    /// <summary>Candidate operation of a phase-2 sentence rewrite.</summary>
    public const string RewriteOperation = "rewrite_sentence";

    /// <summary>Candidate operation of a whole-prompt rewrite (the sentence-level ablation).</summary>
    public const string WholeRewriteOperation = "generate_from_analysis";

    /// <summary>Stop reason: all T steps ran.</summary>
    public const string StopCompleted = "completed";

    /// <summary>Stop reason: the budget was spent.</summary>
    public const string StopBudget = "budget";

    /// <summary>Stop reason: the current prompt has no failures on V (Dual-Phase 2.2 phase 2 step 4).</summary>
    public const string StopNoFailures = "no-failures";

    /// <summary>Stop reason: the prompt has no editable sentence (headers and the placeholder only).</summary>
    public const string StopNoSentences = "no-editable-sentences";

    /// <summary>Details key: accepted rewrites ÷ evaluated rewrites (0 when none was evaluated).</summary>
    public const string AcceptanceRateKey = "acceptance_rate";
}

/// <summary>The call costs of Dual-Phase, for the estimate announced before the first call.</summary>
/// <param name="TaskCalls">Estimated task calls of the whole run (an upper bound).</param>
/// <param name="OptimizerCalls">Estimated optimizer calls of the whole run (an upper bound, retries of unusable replies excluded).</param>
/// <param name="TaskCallsPerStep">Task calls of the start evaluation(s) plus one rewrite attempt: the least a meaningful run needs.</param>
/// <param name="OptimizerCallsPerStep">Optimizer calls of phase 1 plus one rewrite attempt.</param>
internal sealed record DualPhaseCosts(long TaskCalls, long OptimizerCalls, long TaskCallsPerStep, long OptimizerCallsPerStep)
{
    /// <summary>
    /// Estimates the run's calls. Phase 1: 1 optimizer call and 2·|V| task calls (P0 and the start prompt on V; |V| and
    /// no optimizer call without phase 1). Each step: up to <see cref="DualPhaseOptions.MaxAttempts"/> attempts of 1
    /// optimizer call (2 for whole-prompt rewrites) and at most |V| task calls — the fast check costs |F| and the full
    /// check reuses those |F| answers, so only the |V| − |F| others are new (without the reuse it would be |F| + |V|).
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="evaluationSetSize">|V|.</param>
    /// <returns>The estimate.</returns>
    public static DualPhaseCosts Estimate(DualPhaseOptions options, int evaluationSetSize)
    {
        ArgumentNullException.ThrowIfNull(options);
        long v = evaluationSetSize;
        long startTask = options.InitialPrompt ? 2 * v : v;
        long startOpt = options.InitialPrompt ? 1 : 0;
        long optPerAttempt = options.SentenceLevel ? 1 : 2;
        long attempts = (long)options.MaxSteps * options.MaxAttempts;
        return new DualPhaseCosts(
            startTask + (attempts * v),
            startOpt + (attempts * optPerAttempt),
            startTask + (options.MaxSteps > 0 ? v : 0),
            startOpt + (options.MaxSteps > 0 ? optPerAttempt : 0));
    }
}
