using System.ComponentModel.DataAnnotations;

namespace PromptOpt.Optimizers.DualPhase;

/// <summary>How Dual-Phase turns sentence weights into sampling probabilities (ALGORITHMS.md 2.2 phase 2 step 3.1, Eq. 5).</summary>
public enum SentenceSampling
{
    /// <summary>Textbook EXP3: p_i = (1 − γ)·w_i / Σ_j w_j + γ / n, computed from log-space weights (ALGORITHMS.md 5, our default).</summary>
    Exp3,

    /// <summary>The reimplementation's softmax of the weights: p_i = exp(w_i) / Σ_j exp(w_j) (double exponentiation, see ALGORITHMS.md 2.7).</summary>
    Softmax,
}

/// <summary>
/// Options of <see cref="DualPhaseOptimizer"/> (ALGORITHMS.md section 2 and section 5 "Dual-Phase"). The evaluation set V
/// is not an option here: it is the request's training subset (<see cref="OptimizationRequest.TrainSize"/>, 50 by
/// default, ALGORITHMS.md 5). All values are validated together (<see cref="OptionsValidation.Validate"/>).
/// </summary>
public sealed class DualPhaseOptions
{
    /// <summary>
    /// Gets or sets the number of labelled demos shown to the initial-prompt meta-instruction (phase 1, ALGORITHMS.md 2.2
    /// phase 1 step 1), sampled from V with the run's seeded random source.
    /// </summary>
    /// <value>The default is 5 (our choice, ALGORITHMS.md 5; the paper's number is unknown).</value>
    [Range(1, 64, ErrorMessage = "DemoCount must be between 1 and 64.")]
    public int DemoCount { get; set; } = 5;

    /// <summary>Gets or sets how sentence weights become sampling probabilities (ALGORITHMS.md 2.2 phase 2 step 3.1).</summary>
    /// <value>The default is <see cref="SentenceSampling.Exp3"/> (our choice, ALGORITHMS.md 5; the reimplementation uses <see cref="SentenceSampling.Softmax"/>).</value>
    public SentenceSampling Sampling { get; set; } = SentenceSampling.Exp3;

    /// <summary>Gets or sets EXP3's uniform exploration mix γ (used by <see cref="SentenceSampling.Exp3"/> only).</summary>
    /// <value>The default is 0.1 (our choice, ALGORITHMS.md 5).</value>
    [Range(0.0, 1.0, ErrorMessage = "Gamma must be between 0 and 1.")]
    public double Gamma { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets the maximum number of rewrite attempts per step; the step ends at the first accepted rewrite. A step
    /// whose attempts are all rejected still counts as a step.
    /// </summary>
    /// <value>The default is 3 (our choice, ALGORITHMS.md 5; the reimplementation tries up to 10).</value>
    [Range(1, 100, ErrorMessage = "MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets h_f: the minimum accuracy on the previous failure set F for a rewrite to pass the fast check (Eq. 7).</summary>
    /// <value>The default is 0.3 (the reimplementation's default, ALGORITHMS.md 2.4 and 5).</value>
    [Range(0.0, 1.0, ErrorMessage = "FailureThreshold (h_f) must be between 0 and 1.")]
    public double FailureThreshold { get; set; } = 0.3;

    /// <summary>
    /// Gets or sets h_v: the minimum gain on V for a rewrite to be accepted (Eq. 8). When the current score is already
    /// within h_v of 1, any strictly better rewrite is accepted.
    /// </summary>
    /// <value>The default is 0.01 (our choice, ALGORITHMS.md 5; the reimplementation's 0.1 is rarely met on a small V, see 2.7).</value>
    [Range(0.0, 1.0, ErrorMessage = "MinImprovement (h_v) must be between 0 and 1.")]
    public double MinImprovement { get; set; } = 0.01;

    /// <summary>Gets or sets α, the weight of the score on V in the reward r = α·A_new + (1 − α)·A_F (Eq. 9).</summary>
    /// <value>The default is 0.4 (the reimplementation's default, ALGORITHMS.md 2.4 and 5).</value>
    [Range(0.0, 1.0, ErrorMessage = "Alpha must be between 0 and 1.")]
    public double Alpha { get; set; } = 0.4;

    /// <summary>Gets or sets μ, the weight learning rate of w_i ← w_i·exp(μ·r / (n·p_i)) (Eq. 9).</summary>
    /// <value>The default is 0.055 (the reimplementation's default, ALGORITHMS.md 2.4 and 5).</value>
    [Range(0.0, 100.0, ErrorMessage = "LearningRate (mu) must be between 0 and 100.")]
    public double LearningRate { get; set; } = 0.055;

    /// <summary>Gets or sets T, the number of phase-2 steps (0 runs phase 1 only).</summary>
    /// <value>The default is 5 (ALGORITHMS.md 5; the paper reports fewer than five steps).</value>
    [Range(0, 1000, ErrorMessage = "MaxSteps (T) must be between 0 and 1000.")]
    public int MaxSteps { get; set; } = 5;

    /// <summary>
    /// Gets or sets the maximum number of failure cases shown to one rewrite, sampled from F with the run's seeded
    /// random source (the fast check always uses all of F).
    /// </summary>
    /// <value>The default is 10 (our choice; the paper's number is unknown).</value>
    [Range(1, 1000, ErrorMessage = "MaxFailuresShown must be between 1 and 1000.")]
    public int MaxFailuresShown { get; set; } = 10;

    /// <summary>Gets or sets whether phase 1 writes the initial prompt; <see langword="false"/> starts phase 2 from the request's start prompt (ablation).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool InitialPrompt { get; set; } = true;

    /// <summary>
    /// Gets or sets whether phase 2 edits one sentence at a time; <see langword="false"/> rewrites the whole user prompt
    /// with analyse-failures → generate-from-analysis instead (ablation; two optimizer calls per attempt, no weights).
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool SentenceLevel { get; set; } = true;

    /// <summary>Gets or sets whether rewrites must pass the fast check on the previous failures before the full check on V (ablation when <see langword="false"/>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool FailureCheck { get; set; } = true;

    /// <summary>
    /// Gets or sets whether, when the budget limits calls, phase 2 goes on past <see cref="MaxSteps"/> while the budget
    /// pays for another rewrite attempt (one optimizer call, two for whole-prompt rewrites, and |V| task calls) and the
    /// prompt still fails on some of V. The paper's T stays the plan; a larger budget asks for more steps (at most 1000).
    /// Setting <c>max-steps</c> in settings turns it off unless <c>scale-to-budget</c> is given too.
    /// </summary>
    /// <value>The default is <see langword="true"/> (issue 13: budgets are spent, not capped; our choice, the paper reports fewer than 5 steps).</value>
    public bool ScaleToBudget { get; set; } = true;

    /// <summary>Builds options from key/value settings (e.g. <c>--set h-v=0.1</c> spelled <c>min-improvement=0.1</c>) and validates them.</summary>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The options.</returns>
    /// <exception cref="PromptOptInputException">An unknown key or invalid values; all problems in one message.</exception>
    public static DualPhaseOptions FromSettings(IReadOnlyDictionary<string, string>? settings)
    {
        var options = new DualPhaseOptions();
        BudgetPlanning.BindScaled(options, settings, scale => options.ScaleToBudget = scale, nameof(MaxSteps));
        return options;
    }

    /// <summary>Gets a copy with a change applied (for named ablations).</summary>
    /// <param name="change">The change.</param>
    /// <returns>The changed copy.</returns>
    public DualPhaseOptions With(Action<DualPhaseOptions> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var copy = Clone();
        change(copy);
        return copy;
    }

    /// <summary>Gets a copy.</summary>
    /// <returns>The copy.</returns>
    public DualPhaseOptions Clone() => (DualPhaseOptions)MemberwiseClone();
}
