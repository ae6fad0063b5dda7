using System.ComponentModel.DataAnnotations;

namespace PromptOpt.Optimizers.Baselines.ProTeGi;

/// <summary>How <see cref="ProTeGiOptimizer"/> scores the candidates of a round to choose the next beam (ProTeGi section 2.2.2).</summary>
public enum ProTeGiSelection
{
    /// <summary>Evaluate every candidate on the whole evaluation set V and keep the best (the LMOps default, <c>bf</c>).</summary>
    BruteForce,

    /// <summary>UCB1 bandit: candidates are arms, a pull evaluates one on a few more examples of V, within a fixed evaluation budget.</summary>
    Ucb,

    /// <summary>Successive rejects (Audibert, Bubeck and Munos 2010): drop the worst candidate per phase on growing shared samples of V, within a fixed evaluation budget.</summary>
    SuccessiveRejects,
}

/// <summary>How <see cref="ProTeGiOptimizer"/> writes the successors of a beam member.</summary>
public enum ProTeGiExpansion
{
    /// <summary>ProTeGi: minibatch errors → textual gradients → one edit per gradient → Monte-Carlo paraphrases of the edits and the parent.</summary>
    TextualGradient,

    /// <summary>
    /// MetaSPO's user-prompt writer (ALGORITHMS.md 3.2 step 3): each successor from up to
    /// <see cref="ProTeGiOptions.FailuresPerAnalysis"/> random failures → analyse failures → generate from the analysis.
    /// </summary>
    AnalyzeAndGenerate,
}

/// <summary>
/// Options of <see cref="ProTeGiOptimizer"/> (ProTeGi, Pryzant et al. 2023, "Automatic Prompt Optimization with 'Gradient
/// Descent' and Beam Search"). Defaults are the LMOps <c>prompt_optimization/main.py</c> defaults listed in ALGORITHMS.md
/// 4.2 unless a value says it is our choice.
/// </summary>
public sealed class ProTeGiOptions
{
    /// <summary>Gets or sets the number of beam-search rounds (expand every beam member, then select the beam).</summary>
    /// <value>The default is 6 (LMOps <c>--rounds</c>).</value>
    [Range(1, 100)]
    public int Rounds { get; set; } = 6;

    /// <summary>Gets or sets the beam size.</summary>
    /// <value>The default is 4 (LMOps <c>--beam_size</c>; MetaSPO's test-time adaptation uses 3).</value>
    [Range(1, 100)]
    public int BeamSize { get; set; } = 4;

    /// <summary>Gets or sets the minibatch (drawn from V each round, shared by the beam) whose errors feed the gradients; capped by |V|.</summary>
    /// <value>The default is 64 (LMOps <c>--minibatch_size</c>).</value>
    [Range(1, 100_000)]
    public int MinibatchSize { get; set; } = 64;

    /// <summary>Gets or sets the number of textual-gradient calls per beam member, each on its own random errors.</summary>
    /// <value>The default is 4 (LMOps <c>--n_gradients</c>).</value>
    [Range(0, 64)]
    public int Gradients { get; set; } = 4;

    /// <summary>Gets or sets how many minibatch errors each gradient call is shown.</summary>
    /// <value>The default is 4 (LMOps <c>--errors_per_gradient</c>).</value>
    [Range(1, 64)]
    public int ErrorsPerGradient { get; set; } = 4;

    /// <summary>Gets or sets how many reasons (gradients) each gradient call asks for.</summary>
    /// <value>The default is 1 (LMOps <c>--gradients_per_error</c>).</value>
    [Range(1, 16)]
    public int ReasonsPerGradient { get; set; } = 1;

    /// <summary>Gets or sets how many edited prompts are written per gradient (one optimizer call each).</summary>
    /// <value>The default is 1 (LMOps <c>--steps_per_gradient</c>).</value>
    [Range(1, 16)]
    public int EditsPerGradient { get; set; } = 1;

    /// <summary>Gets or sets the Monte-Carlo paraphrases written of each edit and of the parent itself.</summary>
    /// <value>The default is 2 (LMOps <c>--mc_samples_per_step</c>).</value>
    [Range(0, 16)]
    public int Paraphrases { get; set; } = 2;

    /// <summary>Gets or sets the maximum number of successors kept per beam member (a random subset when more were written).</summary>
    /// <value>The default is 8 (LMOps <c>--max_expansion_factor</c>; MetaSPO's test-time adaptation uses 3).</value>
    [Range(1, 100)]
    public int MaxExpansionsPerParent { get; set; } = 8;

    /// <summary>
    /// Gets or sets the number of successors written from the start prompt in an extra initial round before the
    /// <see cref="Rounds"/> (then the beam is selected from the start prompt and these); 0 = no initial round, as in ProTeGi.
    /// </summary>
    /// <value>The default is 0 (MetaSPO's test-time adaptation uses 3).</value>
    [Range(0, 100)]
    public int InitialCandidates { get; set; }

    /// <summary>Gets or sets how successors are written.</summary>
    /// <value>The default is <see cref="ProTeGiExpansion.TextualGradient"/> (ProTeGi).</value>
    public ProTeGiExpansion Expansion { get; set; } = ProTeGiExpansion.TextualGradient;

    /// <summary>Gets or sets how many failures each analysis sees with <see cref="ProTeGiExpansion.AnalyzeAndGenerate"/>.</summary>
    /// <value>The default is 3 (MetaSPO's user analyzer, ALGORITHMS.md 3.4).</value>
    [Range(1, 64)]
    public int FailuresPerAnalysis { get; set; } = 3;

    /// <summary>Gets or sets how the candidates of a round are scored to choose the beam.</summary>
    /// <value>The default is <see cref="ProTeGiSelection.BruteForce"/> (LMOps <c>--evaluator bf</c>).</value>
    public ProTeGiSelection Selection { get; set; } = ProTeGiSelection.BruteForce;

    /// <summary>
    /// Gets or sets the fixed evaluation budget of <see cref="ProTeGiSelection.Ucb"/> and
    /// <see cref="ProTeGiSelection.SuccessiveRejects"/>, as a fraction of what brute force would spend on the round
    /// (candidates × |V| example evaluations).
    /// </summary>
    /// <value>The default is 0.25 (our choice; LMOps fixes 2,048 example evaluations, more than brute force costs on a 50-example V).</value>
    [Range(0.01, 1.0)]
    public double SelectionBudgetFraction { get; set; } = 0.25;

    /// <summary>Gets or sets how many more examples of V a UCB pull evaluates an arm on (capped by |V|).</summary>
    /// <value>The default is 8 (our choice for a V of about 50; LMOps <c>--samples_per_eval</c> is 32).</value>
    [Range(1, 10_000)]
    public int SamplesPerPull { get; set; } = 8;

    /// <summary>Gets or sets how many arms UCB pulls per bandit round.</summary>
    /// <value>The default is 8 (LMOps <c>--eval_prompts_per_round</c>).</value>
    [Range(1, 100)]
    public int ArmsPerRound { get; set; } = 8;

    /// <summary>Gets or sets UCB's exploration constant c in mean + c·sqrt(ln t / n).</summary>
    /// <value>The default is 1.0 (LMOps <c>--c</c>).</value>
    [Range(0.0, 100.0)]
    public double UcbExploration { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets whether the test score of the beam's best prompt is measured after every round (under the uncharged
    /// <c>test</c> role) and recorded in <c>Details["iterations"]</c>, the trajectory and the step events; MetaSPO's
    /// test-time-adaptation curves need it.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RecordTestScores { get; set; }

    /// <summary>Gets or sets the optimizer model's sampling temperature.</summary>
    /// <value>The default is 1.0 (ALGORITHMS.md 4.2: optimizer temperature 1.0).</value>
    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 1.0f;

    /// <summary>
    /// Gets or sets whether, when the budget limits calls, the plan (<see cref="Rounds"/>, <see cref="BeamSize"/>,
    /// <see cref="Gradients"/>, <see cref="Paraphrases"/>, <see cref="MaxExpansionsPerParent"/>) is scaled to the budget
    /// (see <c>ProTeGiPlanner</c>: the richest shape of a fixed ladder that fits 3 rounds, with as many rounds as fit,
    /// then more rounds while the budget pays for them). Binding any of those options from settings turns it off unless
    /// <c>scale-to-budget</c> is given too.
    /// </summary>
    /// <value>The default is <see langword="true"/> (issue 13: budgets are spent, not capped; our choice, the paper is silent on budgets).</value>
    public bool ScaleToBudget { get; set; } = true;

    /// <summary>Gets a copy.</summary>
    /// <returns>The copy.</returns>
    public ProTeGiOptions Clone() => (ProTeGiOptions)MemberwiseClone();
}
