using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PromptOpt.Decision;

/// <summary>
/// A Bernoulli multi-armed bandit as in Krishnamurthy et al. 2024 ("buttons" scenario): arms are coloured buttons, the
/// best arm's mean is 0.5 + Δ/2 and the others' 0.5 − Δ/2 (ALGORITHMS.md §1.6, §5).
/// </summary>
/// <remarks>
/// <para>Action: the name of one button, preferably inside <c>&lt;answer&gt;…&lt;/answer&gt;</c>; without the tags
/// the last button name mentioned as a whole word counts. Reward r_t: the pulled arm's Bernoulli reward (0 or 1),
/// drawn deterministically from (seed, step, arm), so two policies pulling the same arm at the same step see the same
/// reward. Performance: cumulative regret Σ(μ* − μ_{a_t}); an unparseable step scores reward 0 and adds the regret of
/// the worst arm (our choice).</para>
/// <para>The best arm's position is drawn from the seed.</para>
/// </remarks>
public sealed partial class BanditEnvironment : DecisionEnvironment
{
    private readonly List<(int Step, int Arm, int Reward)> _pulls = [];
    private readonly int[] _counts;
    private readonly int[] _successes;
    private double _regret;

    /// <summary>Initializes a new instance of the <see cref="BanditEnvironment"/> class.</summary>
    /// <param name="name">The catalog name.</param>
    /// <param name="seed">The seed (best-arm position and reward draws).</param>
    /// <param name="options">The options, or <see langword="null"/> for the hard preset.</param>
    public BanditEnvironment(string name, int seed, BanditOptions? options = null)
        : base(name, seed, (options ?? BanditOptions.Hard).Horizon)
    {
        Options = options ?? BanditOptions.Hard;
        if (Options.Arms < 2 || Options.Arms > Options.ArmNames.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Arms, $"A bandit needs 2 to {Options.ArmNames.Count} arms.");
        }

        if (Options.Gap <= 0 || Options.Gap > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Gap, "The gap must be in (0, 1].");
        }

        ArmNames = Options.ArmNames.Take(Options.Arms).ToArray();
        BestArm = new Random(seed).Next(Options.Arms);
        Means = Enumerable.Range(0, Options.Arms).Select(a => a == BestArm ? 0.5 + (Options.Gap / 2) : 0.5 - (Options.Gap / 2)).ToArray();
        _counts = new int[Options.Arms];
        _successes = new int[Options.Arms];
    }

    /// <summary>Gets the options.</summary>
    public BanditOptions Options { get; }

    /// <summary>Gets the arm names (the valid actions).</summary>
    public IReadOnlyList<string> ArmNames { get; }

    /// <summary>Gets the arm means μ_a.</summary>
    public IReadOnlyList<double> Means { get; }

    /// <summary>Gets the index of the best arm.</summary>
    public int BestArm { get; }

    /// <summary>Gets how often each arm was pulled.</summary>
    public IReadOnlyList<int> Counts => _counts;

    /// <summary>
    /// Gets whether the run so far is a <em>suffix failure</em> (Krishnamurthy et al. 2024, "Can large language models
    /// explore in-context?", §3): the best arm was never chosen in the last half of the t steps taken, i.e. in steps
    /// ⌊t/2⌋ + 1 … t (unparseable steps count as steps in which the best arm was not chosen). Over replicates, the
    /// fraction of suffix failures at t = T is the paper's SuffFailFreq(T/2). <see langword="false"/> before the first step.
    /// </summary>
    public bool IsSuffixFailure => StepCount > 0 && !_pulls.Any(p => p.Arm == BestArm && p.Step > StepCount / 2);

    /// <summary>
    /// Gets the paper's MinFrac, normalised as there: K · min_a N_a(t) / t, where N_a(t) is how often arm a was chosen in
    /// the t steps taken (unparseable steps count in t). It lies in [0, 1]: 1 when every arm was chosen equally often
    /// (uniform-like behaviour, the paper's second failure mode), 0 when some arm was never chosen. 0 before the first step.
    /// </summary>
    public double MinFrac => StepCount == 0 ? 0 : Options.Arms * (double)_counts.Min() / StepCount;

    /// <inheritdoc/>
    public override DecisionTaskKind Kind => DecisionTaskKind.Bandit;

    /// <inheritdoc/>
    internal override IReadOnlyList<double>? PossibleRewards { get; } = [0.0, 1.0];

    /// <inheritdoc/>
    public override string OriginalTaskDescription => DecisionPrompts.BanditDescription(ArmNames, Horizon);

    /// <inheritdoc/>
    public override string OriginalMetaInstruction => DecisionPrompts.BanditInstruction(ArmNames[0]);

    /// <inheritdoc/>
    public override string PerformanceMeasureName => "cumulative_regret";

    /// <inheritdoc/>
    public override double Performance => _regret;

    /// <inheritdoc/>
    public override double CumulativeRegret => _regret;

    /// <inheritdoc/>
    public override string BestValueName => "cumulative_reward";

    /// <inheritdoc/>
    /// <remarks>For a bandit, the objective value so far is the total reward collected.</remarks>
    public override double BestValue => CumulativeReward;

    /// <inheritdoc/>
    public override bool BestValueHigherIsBetter => true;

    /// <inheritdoc/>
    public override int ExemplarPoolCount => _pulls.Count;

    /// <inheritdoc/>
    /// <remarks>The whole history (ALGORITHMS.md §5: "MAB: the whole history summarised").</remarks>
    public override int DefaultExemplarCount => int.MaxValue;

    /// <inheritdoc/>
    public override DecisionEnvironment CreateFresh() => new BanditEnvironment(Name, Seed, Options);

    /// <inheritdoc/>
    public override string RenderExemplars(IReadOnlyList<int>? selection = null)
    {
        ValidateSelection(selection);
        return BanditHistoryText.Render(Options.Rendering, ArmNames, Selected(selection));
    }

    /// <inheritdoc/>
    /// <remarks><c>{kind:"bandit", arms:[names], counts:[…], successes:[…], t, horizon, rendering}</c>, over the shown pulls.</remarks>
    public override JsonObject GetAgentState(IReadOnlyList<int>? selection = null)
    {
        ValidateSelection(selection);
        var pulls = Selected(selection);
        var (counts, successes) = Tally(pulls);
        return new JsonObject
        {
            ["kind"] = "bandit",
            ["arms"] = new JsonArray(ArmNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["counts"] = new JsonArray(counts.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["successes"] = new JsonArray(successes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["t"] = StepCount,
            ["horizon"] = Horizon,
            ["rendering"] = Options.Rendering == BanditHistoryRendering.Raw ? "raw" : "summarized",
        };
    }

    /// <summary>Parses an arm from a response.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The arm index, or -1.</returns>
    public int ParseArm(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var tags = AnswerTag().Matches(response);
        var text = tags.Count > 0 ? tags[^1].Groups[1].Value : response;
        int best = -1, bestPos = -1;
        for (int a = 0; a < ArmNames.Count; a++)
        {
            foreach (Match m in Regex.Matches(text, $@"\b{Regex.Escape(ArmNames[a])}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
            {
                if (m.Index > bestPos)
                {
                    bestPos = m.Index;
                    best = a;
                }
            }
        }

        return best;
    }

    /// <inheritdoc/>
    private protected override ActionOutcome Execute(string response, int step)
    {
        int arm = ParseArm(response);
        double best = Means[BestArm];
        if (arm < 0)
        {
            _regret += best - Means.Min();
            return ActionOutcome.Failed("no button name found");
        }

        int reward = StableHash.Uniform(Seed, "bandit-reward", step, arm) < Means[arm] ? 1 : 0;
        _regret += best - Means[arm];
        _counts[arm]++;
        _successes[arm] += reward;
        _pulls.Add((step, arm, reward));
        return new ActionOutcome(ArmNames[arm], reward, reward, null);
    }

    private List<(int Step, int Arm, int Reward)> Selected(IReadOnlyList<int>? selection) =>
        selection is null ? _pulls : selection.Distinct().Order().Select(i => _pulls[i]).ToList();

    private (int[] Counts, int[] Successes) Tally(List<(int Step, int Arm, int Reward)> pulls)
    {
        var counts = new int[ArmNames.Count];
        var successes = new int[ArmNames.Count];
        foreach (var (_, arm, reward) in pulls)
        {
            counts[arm]++;
            successes[arm] += reward;
        }

        return (counts, successes);
    }

    [GeneratedRegex(@"<answer>\s*(.*?)\s*</answer>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerTag();
}
