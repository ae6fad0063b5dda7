using System.ComponentModel.DataAnnotations;
using PromptOpt.Optimizers.Gepa;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Mipro;

/// <summary>
/// Options of <see cref="MiproOptimizer"/> (ALGORITHMS.md 6, MIPROv2; defaults from DSPy's <c>MIPROv2</c>). Unset
/// counts come from <see cref="Auto"/> (DSPy's presets: 6 / 12 / 18 instruction and demo-set candidates, trials
/// ⌊max(2·2·log2 n, 1.5·n)⌋ = 10 / 18 / 27). With no preset given and a task-call budget on the run, the light preset's
/// candidates are searched for as many trials as the budget pays for.
/// </summary>
public sealed class MiproOptions
{
    /// <summary>The trial cap when trials are set by the run's task-call budget.</summary>
    public const int BudgetedTrialCap = 1000;

    /// <summary>DSPy's tips (our wording), one drawn at random per proposal; the first is "no tip".</summary>
    public static readonly IReadOnlyList<(string Name, string Text)> Tips =
    [
        ("none", string.Empty),
        ("creative", "Be creative when you write the new instruction."),
        ("simple", "Keep the instruction clear and concise."),
        ("description", "Make the instruction informative and descriptive."),
        ("high_stakes", "Describe a high-stakes scenario in which the model must solve the task."),
        ("persona", "Give the model a persona suited to the task (\"You are a ...\")."),
    ];

    /// <summary>Gets or sets the DSPy preset; <see langword="null"/> for the class remarks' default.</summary>
    /// <value>The default is <see langword="null"/> (light, or budget-scaled trials).</value>
    public AutoPreset? Auto { get; set; }

    /// <summary>Gets or sets the number of instruction candidates (the start instruction is candidate 0), or <see langword="null"/> for the preset's.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(1, 100)]
    public int? Instructions { get; set; }

    /// <summary>Gets or sets the number of demo-set candidates (set 0 the start prompt's demos, usually none; set 1 labelled only), or <see langword="null"/> for the preset's.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(1, 100)]
    public int? DemoSets { get; set; }

    /// <summary>Gets or sets the number of search trials, or <see langword="null"/> for the preset's (or the budget's).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(1, 10_000)]
    public int? Trials { get; set; }

    /// <summary>Gets or sets the dev examples each trial is scored on (a fresh random minibatch; all of the dev set when it is not larger).</summary>
    /// <value>The default is 25 (DSPy's <c>minibatch_size</c> is 35).</value>
    [Range(1, 1000)]
    public int MinibatchSize { get; set; } = 25;

    /// <summary>Gets or sets every how many trials the best-by-mean combination is scored on the full dev set.</summary>
    /// <value>The default is 5 (DSPy's <c>minibatch_full_eval_steps</c>).</value>
    [Range(1, 1000)]
    public int FullEvalEvery { get; set; } = 5;

    /// <summary>Gets or sets the maximum bootstrapped demos per set (the task model's own passing answers).</summary>
    /// <value>The default is 3 (ALGORITHMS.md 6).</value>
    [Range(0, 20)]
    public int MaxBootstrappedDemos { get; set; } = 3;

    /// <summary>Gets or sets the maximum labelled demos per set.</summary>
    /// <value>The default is 3 (ALGORITHMS.md 6).</value>
    [Range(0, 20)]
    public int MaxLabeledDemos { get; set; } = 3;

    /// <summary>Gets or sets how many training examples the data summary sees.</summary>
    /// <value>The default is 10 (DSPy's <c>view_data_batch_size</c>).</value>
    [Range(1, 100)]
    public int SummarySample { get; set; } = 10;

    /// <summary>Gets or sets how demos are shown to the task model.</summary>
    /// <value>The default is <see cref="Prompts.DemoStyle.Turns"/>.</value>
    public DemoStyle DemoStyle { get; set; } = DemoStyle.Turns;

    /// <summary>Gets or sets the proposer's temperature.</summary>
    /// <value>The default is 1.0 (our choice, as for the other methods' proposers).</value>
    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 1.0f;

    /// <summary>Gets DSPy's trial count for n candidates and one predictor with demos: ⌊max(2·2·log2 n, 1.5·n)⌋.</summary>
    /// <param name="candidates">n.</param>
    /// <returns>The trials.</returns>
    public static int PresetTrials(int candidates) => (int)Math.Max(2 * 2 * Math.Log2(Math.Max(1, candidates)), 1.5 * candidates);
}
