using System.ComponentModel.DataAnnotations;

namespace PromptOpt.Optimizers.Baselines.Ape;

/// <summary>
/// Options of <see cref="ApeOptimizer"/> (APE, Zhou et al. 2022, "Large Language Models Are Human-Level Prompt Engineers";
/// ALGORITHMS.md 4.2 and 5 "Baselines"). The paper induces many more candidates (50 per demo subset, 5 subsets); the
/// defaults here are scaled down to a budget-friendly size and are PromptOpt's choice, not the paper's, unless noted.
/// </summary>
public sealed class ApeOptions
{
    /// <summary>The number of induced candidates when <see cref="Candidates"/> is not set and the budget allows it.</summary>
    public const int DefaultCandidates = 8;

    /// <summary>The paper's number of induced candidates (5 demo subsets × 50 samples): the most a budget-scaled run induces.</summary>
    public const int PaperCandidates = 250;

    /// <summary>
    /// Gets or sets whether, when <see cref="Candidates"/> is not set and the budget limits calls, the number of induced
    /// candidates grows to what the budget pays for (up to <see cref="PaperCandidates"/>) instead of stopping at
    /// <see cref="DefaultCandidates"/>.
    /// </summary>
    /// <value>The default is <see langword="true"/> (issue 13: budgets are spent, not capped).</value>
    public bool ScaleToBudget { get; set; } = true;

    /// <summary>
    /// Gets or sets how many instructions are induced from random demos (one optimizer call each), or
    /// <see langword="null"/> for <see cref="DefaultCandidates"/> (with <see cref="ScaleToBudget"/> and a call limit:
    /// <see cref="PaperCandidates"/>) scaled down to the run's budget (ALGORITHMS.md 5, "Baselines"): with a task-call limit B, at most ⌊B / |V|⌋ − 1 − <see cref="ResampleRounds"/>·<see cref="TopK"/>·<see cref="ParaphrasesPerCandidate"/>
    /// (the start prompt and the resampling are paid for too), with an optimizer-call limit at most that limit minus the
    /// resampling calls, and never fewer than 1.
    /// </summary>
    /// <value>The default is <see langword="null"/>: 8 unless the budget is smaller (our choice; the paper uses 5 demo subsets × 50 samples).</value>
    [Range(1, 1000)]
    public int? Candidates { get; set; }

    /// <summary>Gets or sets how many labelled demos each induction call is shown (drawn with the run's seeded random source).</summary>
    /// <value>The default is 5 (APE's default number of demos).</value>
    [Range(1, 100)]
    public int DemosPerCandidate { get; set; } = 5;

    /// <summary>Gets or sets how many of the best candidates are kept and resampled in each resampling round.</summary>
    /// <value>The default is 3 (our choice).</value>
    [Range(1, 100)]
    public int TopK { get; set; } = 3;

    /// <summary>Gets or sets the number of Monte-Carlo resampling rounds (paraphrase the top-k, evaluate, keep the best); 0 disables resampling.</summary>
    /// <value>The default is 1 (our choice; APE's iterative Monte-Carlo search).</value>
    [Range(0, 20)]
    public int ResampleRounds { get; set; } = 1;

    /// <summary>Gets or sets how many paraphrases are written of each kept candidate per resampling round.</summary>
    /// <value>The default is 2 (our choice).</value>
    [Range(1, 20)]
    public int ParaphrasesPerCandidate { get; set; } = 2;

    /// <summary>
    /// Gets or sets whether the starting prompt competes with the induced candidates (it is always evaluated, as the
    /// reference score). When <see langword="false"/> the result is the best induced or resampled candidate, as in the paper.
    /// </summary>
    /// <value>The default is <see langword="true"/> (our choice: the run never returns a prompt worse on V than the start).</value>
    public bool KeepStartPrompt { get; set; } = true;

    /// <summary>Gets or sets the optimizer model's sampling temperature for induction and paraphrasing.</summary>
    /// <value>The default is 1.0 (ALGORITHMS.md 4.2: optimizer temperature 1.0).</value>
    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 1.0f;
}
