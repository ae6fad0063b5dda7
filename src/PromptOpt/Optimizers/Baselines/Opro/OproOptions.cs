using System.ComponentModel.DataAnnotations;

namespace PromptOpt.Optimizers.Baselines.Opro;

/// <summary>
/// Options of <see cref="OproOptimizer"/> (OPRO, Yang et al. 2023, "Large Language Models as Optimizers"; ALGORITHMS.md 4.2
/// with the opro repository's defaults, and 5 "Baselines": scaled by the run's budget).
/// </summary>
public sealed class OproOptions
{
    /// <summary>The opro repository's number of steps, the most an automatic <see cref="Steps"/> runs.</summary>
    public const int PaperSteps = 200;

    /// <summary>The number of steps when <see cref="Steps"/> is not set and the budget sets no call limit.</summary>
    public const int DefaultSteps = 10;

    /// <summary>
    /// Gets or sets the number of optimization steps (one meta-prompt, one optimizer call, per step), or
    /// <see langword="null"/> to scale the repository's 200 steps by the run's budget (ALGORITHMS.md 5, "Baselines"):
    /// with a task-call limit B, about ⌈(⌊B / |V|⌋ − 1) / <see cref="ProposalsPerStep"/>⌉ steps (the steps that fit if every
    /// proposal is new, the last one partial), with an optimizer-call limit at most that many steps, between 1 and 200;
    /// without a call limit <see cref="DefaultSteps"/>. With <see cref="ScaleToBudget"/> the run then goes on while the
    /// budget pays for one more optimizer call and one more proposal scored on V (a duplicate proposal costs no task calls,
    /// so it leaves room for another step), and the last step asks only for as many proposals as it can still score.
    /// </summary>
    /// <value>The default is <see langword="null"/>: 10 steps without a call budget (our choice, scaled down from the repository's 200).</value>
    [Range(1, 1000)]
    public int? Steps { get; set; }

    /// <summary>
    /// Gets or sets whether, when <see cref="Steps"/> is not set and the budget limits calls, the run goes on until the
    /// budget is spent (see <see cref="Steps"/>) instead of stopping after the planned steps.
    /// </summary>
    /// <value>The default is <see langword="true"/> (issue 13: budgets are spent, not capped; the repository's own cap is 200 steps).</value>
    public bool ScaleToBudget { get; set; } = true;

    /// <summary>
    /// Gets or sets after how many consecutive steps that propose nothing new (every proposal an instruction already
    /// scored) a budget-scaled run stops, or 0 to never stop for that reason. Such a step costs an optimizer call and no
    /// task call, so without this a run with only a task-call limit can spend up to 200 optimizer calls on repeats
    /// (observed on simulator v2: OPRO on navigate, 1,000 task calls, 25 examples, reached a train score of 1.000 at step 3
    /// and then paid 195 more optimizer calls, 80 of them for steps with nothing new). Applies only when the plan scales
    /// to the budget (<see cref="Steps"/> not set, <see cref="ScaleToBudget"/>); an explicit <see cref="Steps"/> runs them all.
    /// </summary>
    /// <value>The default is 5 (our choice; the opro repository has no such rule and runs its 200 steps).</value>
    [Range(0, 1000)]
    public int StallSteps { get; set; } = 5;

    /// <summary>Gets or sets how many new instructions are asked for in each step.</summary>
    /// <value>The default is 8 (the opro repository's default).</value>
    [Range(1, 64)]
    public int ProposalsPerStep { get; set; } = 8;

    /// <summary>Gets or sets the maximum number of scored instructions shown in the meta-prompt (the best ones, in ascending score order).</summary>
    /// <value>The default is 20 (the opro repository's default).</value>
    [Range(1, 200)]
    public int MaxHistory { get; set; } = 20;

    /// <summary>Gets or sets how many random task exemplars (from V, drawn with the run's random source) the meta-prompt shows.</summary>
    /// <value>The default is 3 (the opro repository's default).</value>
    [Range(0, 50)]
    public int Exemplars { get; set; } = 3;

    /// <summary>Gets or sets the minimum score an instruction needs to be shown in the meta-prompt.</summary>
    /// <value>The default is 0 (the opro repository uses 0 with a PaLM scorer and 0.3 with GPT scorers).</value>
    [Range(0.0, 1.0)]
    public double MinHistoryScore { get; set; }

    /// <summary>Gets or sets the optimizer model's sampling temperature.</summary>
    /// <value>The default is 1.0 (the opro repository's default).</value>
    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 1.0f;
}
