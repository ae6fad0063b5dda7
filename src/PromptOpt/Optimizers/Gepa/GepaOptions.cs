using System.ComponentModel.DataAnnotations;

namespace PromptOpt.Optimizers.Gepa;

/// <summary>DSPy's <c>auto</c> presets, shared by GEPA and MIPROv2 (6 / 12 / 18 candidates).</summary>
public enum AutoPreset
{
    /// <summary>6 candidates.</summary>
    Light,

    /// <summary>12 candidates.</summary>
    Medium,

    /// <summary>18 candidates.</summary>
    Heavy,
}

/// <summary>How GEPA picks the parent of each mutation.</summary>
public enum GepaSelection
{
    /// <summary>From the instance-level Pareto frontier, weighted by the number of examples a candidate wins (the paper's).</summary>
    Pareto,

    /// <summary>Always the candidate with the best mean on the Pareto set (the paper's ablation).</summary>
    CurrentBest,
}

/// <summary>
/// Options of <see cref="GepaOptimizer"/> (ALGORITHMS.md 6, GEPA; defaults from gepa-ai/gepa and DSPy's <c>dspy.GEPA</c>).
/// The metric-call budget is, in order: <see cref="MaxMetricCalls"/>; else <see cref="Auto"/>'s DSPy budget; else, when
/// the run has a task-call budget, that budget (so the method spends what it is given); else the light preset.
/// </summary>
public sealed class GepaOptions
{
    /// <summary>DSPy's candidates per preset (light, medium, heavy).</summary>
    public static readonly IReadOnlyList<int> PresetCandidates = [6, 12, 18];

    /// <summary>
    /// Gets or sets the maximum metric calls (evaluations of one example, counted as gepa counts them: also when the answer
    /// is cached or already known to the run, so such a call costs budget but no money), or <see langword="null"/> (see
    /// the class remarks).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(1, 10_000_000)]
    public int? MaxMetricCalls { get; set; }

    /// <summary>
    /// Gets or sets a DSPy preset: metric calls = DSPy's <c>auto_budget(2 components, n, |D_pareto|)</c> with n = 6 / 12 / 18;
    /// <see langword="null"/> for none (see the class remarks).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public AutoPreset? Auto { get; set; }

    /// <summary>Gets or sets the reflection minibatch size (training examples per mutation).</summary>
    /// <value>The default is 3 (gepa's <c>reflection_minibatch_size</c>).</value>
    [Range(1, 100)]
    public int MinibatchSize { get; set; } = 3;

    /// <summary>Gets or sets how parents are selected.</summary>
    /// <value>The default is <see cref="GepaSelection.Pareto"/>.</value>
    public GepaSelection Selection { get; set; } = GepaSelection.Pareto;

    /// <summary>Gets or sets whether merges are attempted after successful mutations.</summary>
    /// <value>The default is <see langword="true"/> (ALGORITHMS.md 6; dspy.GEPA's <c>use_merge</c>).</value>
    public bool Merge { get; set; } = true;

    /// <summary>Gets or sets the maximum number of merges.</summary>
    /// <value>The default is 5 (dspy.GEPA's <c>max_merge_invocations</c>).</value>
    [Range(0, 100)]
    public int MaxMerges { get; set; } = 5;

    /// <summary>Gets or sets the Pareto-set examples a merged child is first checked on (preferring examples where its parents differ).</summary>
    /// <value>The default is 5 (gepa's merge subsample).</value>
    [Range(1, 100)]
    public int MergeSubsample { get; set; } = 5;

    /// <summary>Gets or sets after how many iterations without a better best mean on the Pareto set the run stops, or <see langword="null"/> never.</summary>
    /// <value>The default is <see langword="null"/> (gepa stops on its budget only).</value>
    [Range(1, 100_000)]
    public int? StopAfterNoImprovement { get; set; }

    /// <summary>Gets or sets whether an iteration whose minibatch the parent already answers perfectly is skipped (no reflection call).</summary>
    /// <value>The default is <see langword="true"/> (gepa's <c>skip_perfect_score</c>).</value>
    public bool SkipPerfectMinibatch { get; set; } = true;

    /// <summary>Gets or sets the reflection model's temperature.</summary>
    /// <value>The default is 1.0 (DSPy recommends a sampling temperature of 1.0 for the reflection model).</value>
    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 1.0f;

    /// <summary>DSPy's <c>auto_budget</c>: metric calls of a preset.</summary>
    /// <param name="candidates">The preset's n.</param>
    /// <param name="components">The number of predictors (components).</param>
    /// <param name="valSize">|D_pareto|.</param>
    /// <param name="minibatch">DSPy's minibatch size in that formula (35).</param>
    /// <param name="fullEvalSteps">DSPy's full-evaluation period in that formula (5).</param>
    /// <returns>The metric calls.</returns>
    public static int AutoBudget(int candidates, int components, int valSize, int minibatch = 35, int fullEvalSteps = 5)
    {
        int trials = (int)Math.Max(2 * (components * 2) * Math.Log2(candidates), 1.5 * candidates);
        long total = valSize + (candidates * 5L) + ((long)trials * minibatch);
        if (trials > 0)
        {
            long periodic = ((trials + 1) / fullEvalSteps) + 1;
            long extra = fullEvalSteps > trials ? 1 : 0;
            total += (periodic + extra) * valSize;
        }

        return (int)Math.Min(total, int.MaxValue);
    }
}
