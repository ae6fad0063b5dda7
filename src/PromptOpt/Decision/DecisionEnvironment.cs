using System.Text.Json.Nodes;

namespace PromptOpt.Decision;

/// <summary>
/// A sequential decision-making environment for an LLM agent (EXPO, ALGORITHMS.md §1): generated from a seed, it
/// renders its state as the exemplars block of the agent's meta-prompt, parses the agent's reply into an action,
/// scores it in [0, 1] and tracks a regret or optimality-gap measure.
/// </summary>
/// <remarks>
/// The <em>exemplar pool</em> is the list of items the exemplars block can show (bandit: the pulls so far; regression:
/// the distinct (w, b) pairs evaluated; TSP: the distinct valid tours), indexed in insertion order. A selection
/// (EXPO-ES, §1.3) is a list of pool indices; <see langword="null"/> means the environment's default block. Not
/// thread-safe: one agent acts in an environment at a time.
/// </remarks>
public abstract class DecisionEnvironment
{
    private readonly List<StepRecord> _steps = [];
    private double _normalisedRegret;

    /// <summary>Initializes a new instance of the <see cref="DecisionEnvironment"/> class.</summary>
    /// <param name="name">The catalog name.</param>
    /// <param name="seed">The seed the instance was generated from.</param>
    /// <param name="horizon">The default number of steps.</param>
    protected DecisionEnvironment(string name, int seed, int horizon)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        Name = name;
        Seed = seed;
        Horizon = horizon;
    }

    /// <summary>Gets the catalog name (e.g. <c>bandit-hard</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the seed the instance was generated from.</summary>
    public int Seed { get; }

    /// <summary>Gets the default number of steps (the horizon T).</summary>
    public int Horizon { get; }

    /// <summary>Gets the environment family.</summary>
    public abstract DecisionTaskKind Kind { get; }

    /// <summary>Gets the original (hand-written) task description D.</summary>
    public abstract string OriginalTaskDescription { get; }

    /// <summary>Gets the original (hand-written) meta-instruction I.</summary>
    public abstract string OriginalMetaInstruction { get; }

    /// <summary>Gets the original meta-prompt (D, I): the fixed baseline of ALGORITHMS.md §5.</summary>
    public MetaPrompt OriginalMetaPrompt => new(OriginalTaskDescription, OriginalMetaInstruction);

    /// <summary>Gets the name of <see cref="Performance"/>: <c>cumulative_regret</c> or <c>optimality_gap</c> (lower is better).</summary>
    public abstract string PerformanceMeasureName { get; }

    /// <summary>Gets the current performance measure (cumulative regret for bandits; optimality gap for LR/TSP).</summary>
    public abstract double Performance { get; }

    /// <summary>
    /// Gets the cumulative regret so far. Bandits: Σ(μ* − μ_{a_t}) (the same as <see cref="Performance"/>). Black-box
    /// tasks (LR, TSP): Σ_t (1 − r_t), the regret in normalised reward against a perfect score of 1 (our choice: it is
    /// bounded by the step count and comparable across tasks; an unparseable step adds 1).
    /// </summary>
    public virtual double CumulativeRegret => _normalisedRegret;

    /// <summary>Gets the name of <see cref="BestValue"/>: <c>cumulative_reward</c> (bandits, higher is better), <c>best_loss</c> or <c>best_length</c> (lower is better).</summary>
    public abstract string BestValueName { get; }

    /// <summary>Gets the best objective value so far: the cumulative reward (bandits), the best loss (LR) or the best tour length (TSP), starting points included.</summary>
    public abstract double BestValue { get; }

    /// <summary>Gets whether a larger <see cref="BestValue"/> is better.</summary>
    public virtual bool BestValueHigherIsBetter => false;

    /// <summary>Gets the number of items in the exemplar pool.</summary>
    public abstract int ExemplarPoolCount { get; }

    /// <summary>Gets how many exemplars the default block shows (LR 20, TSP 10, bandit: the whole history).</summary>
    public abstract int DefaultExemplarCount { get; }

    /// <summary>Gets the pool index of the best exemplar so far (lowest loss, shortest tour), or <see langword="null"/> when the pool is empty or has no order.</summary>
    public virtual int? BestExemplarIndex => null;

    /// <summary>Gets the steps taken so far.</summary>
    public IReadOnlyList<StepRecord> Steps => _steps;

    /// <summary>Gets the number of steps taken so far.</summary>
    public int StepCount => _steps.Count;

    /// <summary>Gets how many steps had an unparseable or invalid action.</summary>
    public int ParseFailures { get; private set; }

    /// <summary>Gets the sum of the normalised rewards so far.</summary>
    public double CumulativeReward { get; private set; }

    /// <summary>Creates a fresh instance of this environment in its initial state: same name, seed and options, no steps.</summary>
    /// <returns>The new instance.</returns>
    public abstract DecisionEnvironment CreateFresh();

    /// <summary>Renders the exemplars block (the state as the agent sees it).</summary>
    /// <param name="selection">Pool indices to show, or <see langword="null"/> for the default block.</param>
    /// <returns>The text.</returns>
    public abstract string RenderExemplars(IReadOnlyList<int>? selection = null);

    /// <summary>Gets the structured state the simulated agent reads (the same information the exemplars block shows).</summary>
    /// <param name="selection">Pool indices shown, or <see langword="null"/> for the default block.</param>
    /// <returns>A new JSON object with a <c>kind</c> property (<c>bandit</c>, <c>linreg</c> or <c>tsp</c>).</returns>
    public abstract JsonObject GetAgentState(IReadOnlyList<int>? selection = null);

    /// <summary>
    /// Gets every reward a step can score, when there are few (a Bernoulli bandit: 0 and 1), or <see langword="null"/>:
    /// EXPO then fits its score network for each of them while the agent acts, and keeps the fit that matches.
    /// </summary>
    /// <remarks>Only ever a hint: a reward outside the list costs the fit after the step, never a different result.</remarks>
    internal virtual IReadOnlyList<double>? PossibleRewards => null;

    /// <summary>Parses the agent's response, executes the action and records the step.</summary>
    /// <param name="response">The agent's raw response.</param>
    /// <returns>The step record; an unparseable or invalid action scores 0 and is counted in <see cref="ParseFailures"/>.</returns>
    public StepRecord Step(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        int step = _steps.Count + 1;
        var outcome = Execute(response, step);
        if (outcome.Action is null)
        {
            ParseFailures++;
        }

        double reward = Math.Clamp(outcome.Reward, 0, 1);
        CumulativeReward += reward;
        _normalisedRegret += 1 - reward;
        var record = new StepRecord(step, response, outcome.Action, reward, outcome.Value, Performance, outcome.Note)
        {
            CumulativeRegret = CumulativeRegret,
            BestValue = BestValue,
        };
        _steps.Add(record);
        return record;
    }

    /// <summary>Parses and executes one action, updating the environment's state and performance measure.</summary>
    /// <param name="response">The agent's raw response.</param>
    /// <param name="step">The 1-based step number.</param>
    /// <returns>The outcome; <see cref="ActionOutcome.Action"/> is <see langword="null"/> for an unparseable or invalid action.</returns>
    private protected abstract ActionOutcome Execute(string response, int step);

    /// <summary>Validates a selection against the pool.</summary>
    /// <param name="selection">The selection.</param>
    private protected void ValidateSelection(IReadOnlyList<int>? selection)
    {
        if (selection is null)
        {
            return;
        }

        foreach (var i in selection)
        {
            if (i < 0 || i >= ExemplarPoolCount)
            {
                throw new ArgumentOutOfRangeException(nameof(selection), i, $"Exemplar index {i} is outside the pool of {ExemplarPoolCount}.");
            }
        }
    }
}

/// <summary>The result of executing one action.</summary>
/// <param name="Action">The canonical action, or <see langword="null"/> when unparseable/invalid.</param>
/// <param name="Reward">The normalised reward.</param>
/// <param name="Value">The raw outcome.</param>
/// <param name="Note">A rejection reason.</param>
internal readonly record struct ActionOutcome(string? Action, double Reward, double? Value, string? Note)
{
    /// <summary>Creates an outcome for an unparseable or invalid action.</summary>
    /// <param name="note">Why.</param>
    /// <returns>The outcome.</returns>
    public static ActionOutcome Failed(string note) => new(null, 0, null, note);
}
