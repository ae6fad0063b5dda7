using System.ComponentModel.DataAnnotations;
using PromptOpt.Optimizers.Baselines.ProTeGi;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>Which MetaSPO variant to run (ALGORITHMS.md 3.2 and 3.5, "Baselines").</summary>
public enum MetaSpoVariant
{
    /// <summary>The full method: N iterations of the inner (user-prompt) loop, then the outer (system-prompt) loop.</summary>
    Full,

    /// <summary>The outer-loop-only ablation [C]: no inner loop, 2·N outer iterations.</summary>
    OuterOnly,

    /// <summary>MetaSPO w/ APE [C]: user and system candidates written APE-style from demos instead of analyse → generate.</summary>
    Ape,
}

/// <summary>
/// Options of <see cref="MetaSpoOptimizer"/> and its evaluation protocols. Defaults are the official code's
/// (ALGORITHMS.md 3.4) unless a property says it is our choice (ALGORITHMS.md 5).
/// </summary>
public sealed class MetaSpoOptions
{
    /// <summary>Gets or sets the number of MetaSPO iterations N (each: inner loop, then outer loop).</summary>
    /// <value>The default is 3 [P][C].</value>
    [Range(1, 1000)]
    public int Iterations { get; set; } = 3;

    /// <summary>
    /// Gets or sets whether, when the budget limits calls and no unseen-task protocol is to run after the search (they
    /// need budget of their own), the run goes on past <see cref="Iterations"/> while the budget pays for another whole
    /// iteration by the announced estimate (at most 1000 steps). Setting <c>iterations</c> in settings turns it off unless
    /// <c>scale-to-budget</c> is given too.
    /// </summary>
    /// <value>The default is <see langword="true"/> (issue 13: budgets are spent, not capped; our choice, the paper runs N = 3).</value>
    public bool ScaleToBudget { get; set; } = true;

    /// <summary>Gets or sets the variant.</summary>
    /// <value>The default is <see cref="MetaSpoVariant.Full"/>.</value>
    public MetaSpoVariant Variant { get; set; } = MetaSpoVariant.Full;

    /// <summary>Gets or sets the system-prompt candidates generated per outer step (one is kept at most).</summary>
    /// <value>The default is 9 [P][C].</value>
    [Range(1, 100)]
    public int SystemCandidates { get; set; } = 9;

    /// <summary>Gets or sets the user-prompt candidates generated per task per inner step, all from the beam's best.</summary>
    /// <value>The default is 3 [P][C].</value>
    [Range(1, 100)]
    public int UserCandidates { get; set; } = 3;

    /// <summary>Gets or sets the size of each source task's user-prompt beam.</summary>
    /// <value>The default is 3 [P][C].</value>
    [Range(1, 100)]
    public int BeamSize { get; set; } = 3;

    /// <summary>Gets or sets the failures (sampled at random, without replacement) shown to each user analysis.</summary>
    /// <value>The default is 3 [P][C].</value>
    [Range(1, 100)]
    public int UserFailures { get; set; } = 3;

    /// <summary>Gets or sets the failures per task (of its best user prompt) pooled for each system analysis.</summary>
    /// <value>The default is 2 [P][C].</value>
    [Range(1, 100)]
    public int SystemFailuresPerTask { get; set; } = 2;

    /// <summary>Gets or sets the initial system prompt (also the "default" system prompt of the protocols).</summary>
    /// <value>The default is "You are a helpful assistant." [C].</value>
    [Required(AllowEmptyStrings = false)]
    public string InitialSystemPrompt { get; set; } = MetaSpoPrompts.DefaultSystemPrompt;

    /// <summary>Gets or sets the random demos per user candidate in the APE variant.</summary>
    /// <value>The default is 10 [C].</value>
    [Range(1, 1000)]
    public int ApeUserDemos { get; set; } = 10;

    /// <summary>Gets or sets the random demos per source task pooled for each system candidate in the APE variant.</summary>
    /// <value>The default is 5 [C].</value>
    [Range(1, 1000)]
    public int ApeSystemDemosPerTask { get; set; } = 5;

    /// <summary>Gets or sets whether <see cref="MetaSpoOptimizer"/> runs the unseen-generalization protocol on the request's unseen tasks.</summary>
    /// <value>The default is <see langword="true"/> (our choice; it only runs when unseen tasks are given).</value>
    public bool Unseen { get; set; } = true;

    /// <summary>Gets or sets the APE-generated user prompts per unseen task in the unseen-generalization protocol.</summary>
    /// <value>The default is 10 [C].</value>
    [Range(1, 1000)]
    public int UnseenUserPrompts { get; set; } = 10;

    /// <summary>Gets or sets the random training demos each unseen-task user prompt is induced from.</summary>
    /// <value>The default is 10 [C].</value>
    [Range(1, 1000)]
    public int UnseenDemos { get; set; } = 10;

    /// <summary>Gets or sets the chain-of-thought baseline system prompt of the unseen-generalization protocol (empty: not measured).</summary>
    /// <value>The default is "Let's think step by step." [P].</value>
    public string CotSystemPrompt { get; set; } = MetaSpoPrompts.CotSystemPrompt;

    /// <summary>Gets or sets whether <see cref="MetaSpoOptimizer"/> runs the test-time-adaptation protocol on the unseen tasks.</summary>
    /// <value>The default is <see langword="false"/> (our choice: it costs about as much as the optimization itself).</value>
    public bool TestTimeAdaptation { get; set; }

    /// <summary>Gets or sets the test-time-adaptation rounds after the initial round of candidates from the start prompt.</summary>
    /// <value>The default is 6 [C].</value>
    [Range(1, 1000)]
    public int TtaIterations { get; set; } = 6;

    /// <summary>Gets or sets the test-time-adaptation beam size.</summary>
    /// <value>The default is 3 [C].</value>
    [Range(1, 100)]
    public int TtaBeamSize { get; set; } = 3;

    /// <summary>Gets or sets the test-time-adaptation candidates from the start prompt and per beam member per round.</summary>
    /// <value>The default is 3 [C].</value>
    [Range(1, 100)]
    public int TtaCandidates { get; set; } = 3;

    /// <summary>Gets or sets the errors (sampled at random) each test-time-adaptation textual gradient is computed from.</summary>
    /// <value>The default is 4 (our choice, ProTeGi's default; the MetaSPO code's value is not given in ALGORITHMS.md).</value>
    [Range(1, 64)]
    public int TtaErrors { get; set; } = 4;

    /// <summary>Gets or sets how test-time adaptation writes candidates: ProTeGi's textual gradient → edit, or MetaSPO's analyse → generate.</summary>
    /// <value>The default is <see cref="ProTeGiExpansion.TextualGradient"/> (ALGORITHMS.md 4.2: "ProTeGi-style user optimization").</value>
    public ProTeGiExpansion TtaExpansion { get; set; } = ProTeGiExpansion.TextualGradient;

    /// <summary>Gets the number of steps (outer iterations) the variant runs: N, or 2·N for <see cref="MetaSpoVariant.OuterOnly"/>.</summary>
    public int Steps => Variant == MetaSpoVariant.OuterOnly ? 2 * Iterations : Iterations;
}
