using PromptOpt.Decision;

namespace PromptOpt.Optimizers.Expo;

/// <summary>Which arm-selection strategy an <see cref="ExpoController"/> runs (ALGORITHMS.md §1.2, §1.3, §5 baselines).</summary>
public enum ExpoStrategy
{
    /// <summary>EXPO: exponential weights over (D, I) arms with neural cumulative score estimates.</summary>
    Expo,

    /// <summary>EXPO-ES: EXPO plus neural exponential-weights selection of the exemplar set.</summary>
    ExpoEs,

    /// <summary>Baseline: the original meta-prompt every step.</summary>
    Fixed,

    /// <summary>Baseline: a uniformly random arm every step.</summary>
    Uniform,

    /// <summary>Baseline: EXP3 with importance-weighted reward estimates and no network.</summary>
    Exp3,

    /// <summary>Baseline: ε-greedy on the arms' mean observed rewards.</summary>
    EpsilonGreedy,
}

/// <summary>The label the score network is trained on (the ablation of ALGORITHMS.md §1.7 (b)).</summary>
public enum ExpoLabelMode
{
    /// <summary>The raw observed score r_t (the paper's choice).</summary>
    RawScore,

    /// <summary>The EXP3-style importance-weighted score r_t / P_t(a_t).</summary>
    ImportanceWeighted,
}

/// <summary>Options of EXPO / EXPO-ES and its baselines. Defaults are ALGORITHMS.md §5 (our choices where the paper is silent).</summary>
public sealed record ExpoOptions
{
    /// <summary>Gets the strategy.</summary>
    /// <value>The default is <see cref="ExpoStrategy.Expo"/>.</value>
    public ExpoStrategy Strategy { get; init; } = ExpoStrategy.Expo;

    /// <summary>Gets the number of task descriptions k1 in the pool, the original included.</summary>
    /// <value>The default is 5.</value>
    public int DescriptionCount { get; init; } = 5;

    /// <summary>Gets the number of meta-instructions k2 in the pool, the original included.</summary>
    /// <value>The default is 5.</value>
    public int InstructionCount { get; init; } = 5;

    /// <summary>Gets the number of steps T, or <see langword="null"/> for the environment's horizon.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? Steps { get; init; }

    /// <summary>Gets the exponential-weights rate η, or <see langword="null"/> for sqrt(8·ln K / T).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public double? Eta { get; init; }

    /// <summary>Gets the uniform-mix weight γ of the arm distribution (not in the paper: UNKNOWN there).</summary>
    /// <value>The default is 0.</value>
    public double Gamma { get; init; }

    /// <summary>Gets the network's training label.</summary>
    /// <value>The default is <see cref="ExpoLabelMode.RawScore"/>.</value>
    public ExpoLabelMode Labels { get; init; } = ExpoLabelMode.RawScore;

    /// <summary>Gets whether (D, I) pairs are one joint bandit (<see langword="true"/>) or D and I are two separate bandits whose choices are combined (the ablation of ALGORITHMS.md §1.7 (a)).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool JointArms { get; init; } = true;

    /// <summary>Gets the (D, I) score network's options.</summary>
    /// <value>The default is 128 hidden units, Adam 1e-3, 50 epochs, batch 64, warm start.</value>
    public ScoreNetworkOptions Network { get; init; } = new();

    /// <summary>Gets the number L of candidate exemplar sets per step (EXPO-ES).</summary>
    /// <value>The default is 8.</value>
    public int ExemplarCandidates { get; init; } = 8;

    /// <summary>Gets whether the environment's default exemplar block is always one of the L candidates (EXPO-ES; our choice).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool IncludeDefaultExemplars { get; init; } = true;

    /// <summary>
    /// Gets whether every random candidate exemplar set contains the history's best point (EXPO-ES; our choice, off by
    /// default). ALGORITHMS.md §5 draws plain random subsets, which often leave the best point out, so the agent is shown
    /// a worse point to improve on; with this option each subset is the best point plus a random rest.
    /// </summary>
    /// <value>The default is <see langword="false"/> (§5's plain random subsets).</value>
    public bool ExemplarSubsetsKeepBest { get; init; }

    /// <summary>Gets the EXPO-ES rate η_ES, or <see langword="null"/> for sqrt(8·ln L / T).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public double? ExemplarEta { get; init; }

    /// <summary>Gets the maximum number of past exemplar-network snapshots whose predictions are summed (EXPO-ES).</summary>
    /// <value>The default is 50.</value>
    public int MaxSnapshots { get; init; } = 50;

    /// <summary>Gets the exemplar score network's options (EXPO-ES).</summary>
    /// <value>The default is the same as <see cref="Network"/>'s.</value>
    public ScoreNetworkOptions ExemplarNetwork { get; init; } = new();

    /// <summary>Gets the agent loop's options (temperature, output tokens, sample-index offset).</summary>
    /// <value>The default is temperature 1.0.</value>
    public AgentRunnerOptions Agent { get; init; } = new();

    /// <summary>Gets ε of the ε-greedy baseline.</summary>
    /// <value>The default is 0.1.</value>
    public double Epsilon { get; init; } = 0.1;

    /// <summary>Gets the EXP3 baseline's rate, or <see langword="null"/> for sqrt(2·ln K / (K·T)).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public double? Exp3Eta { get; init; }

    /// <summary>
    /// Gets whether the run is followed by a comparison run of the original meta-prompt (same environment seed, same
    /// number of steps) whose curve is reported next to the run's own (our choice; it costs T more agent calls).
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool CompareWithOriginal { get; init; }

    /// <summary>
    /// Binds key/value settings (a run spec's <c>options</c> or <c>--set key=value</c>) to options for
    /// <paramref name="strategy"/>. Keys are the property names in any case or separator style (<c>eta</c>,
    /// <c>description-count</c>, <c>labels=importance-weighted</c>, <c>joint-arms=false</c>); keys starting with
    /// <c>network-</c> set both score networks (<c>network-hidden-units=32</c>, <c>network-epochs=20</c>), keys starting
    /// with <c>exemplar-network-</c> then override the EXPO-ES network, and keys starting with <c>agent-</c> set the agent
    /// loop (<c>agent-temperature</c>, <c>agent-max-output-tokens</c>). The strategy comes from the method name.
    /// </summary>
    /// <param name="strategy">The strategy (from the method name).</param>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The validated options.</returns>
    /// <exception cref="PromptOptInputException">An unknown key, a malformed value or an out-of-range option; all problems in one message.</exception>
    public static ExpoOptions FromSettings(ExpoStrategy strategy, IReadOnlyDictionary<string, string>? settings)
    {
        var top = new Dictionary<string, string>(StringComparer.Ordinal);
        var network = new Dictionary<string, string>(StringComparer.Ordinal);
        var exemplarNetwork = new Dictionary<string, string>(StringComparer.Ordinal);
        var agent = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            var c = new string(key.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
            if (c == "strategy")
            {
                throw new PromptOptInputException($"option '{key}': the strategy is chosen by the method name ({string.Join(", ", ExpoNames.All)})");
            }

            var (target, rest) = c.StartsWith("exemplarnetwork", StringComparison.Ordinal) ? (exemplarNetwork, c["exemplarnetwork".Length..])
                : c.StartsWith("network", StringComparison.Ordinal) ? (network, c["network".Length..])
                : c.StartsWith("agent", StringComparison.Ordinal) ? (agent, c["agent".Length..])
                : (top, key);
            target[rest] = value;
        }

        var options = new ExpoOptions { Strategy = strategy };
        OptionsValidation.Bind(options, top);
        var net = new ScoreNetworkOptions();
        OptionsValidation.Bind(net, network, "network-");
        var exemplarNet = net with { };
        OptionsValidation.Bind(exemplarNet, exemplarNetwork, "exemplar-network-");
        var agentOptions = new AgentRunnerOptions();
        OptionsValidation.Bind(agentOptions, agent, "agent-");
        options = options with { Network = net, ExemplarNetwork = exemplarNet, Agent = agentOptions };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new PromptOptInputException(ex.Message, ex);
        }

        return options;
    }

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (DescriptionCount < 1)
        {
            errors.Add("option 'description-count' must be at least 1");
        }

        if (InstructionCount < 1)
        {
            errors.Add("option 'instruction-count' must be at least 1");
        }

        if (Steps is < 1)
        {
            errors.Add("option 'steps' must be at least 1");
        }

        if (Eta is < 0 || ExemplarEta is < 0 || Exp3Eta is < 0)
        {
            errors.Add("options 'eta', 'exemplar-eta' and 'exp3-eta' must be non-negative");
        }

        if (Gamma is < 0 or > 1)
        {
            errors.Add("option 'gamma' must be in [0, 1]");
        }

        if (Epsilon is < 0 or > 1)
        {
            errors.Add("option 'epsilon' must be in [0, 1]");
        }

        if (ExemplarCandidates < 1)
        {
            errors.Add("option 'exemplar-candidates' must be at least 1");
        }

        if (MaxSnapshots < 1)
        {
            errors.Add("option 'max-snapshots' must be at least 1");
        }

        foreach (var (name, n) in new[] { ("network", Network), ("exemplar-network", ExemplarNetwork) })
        {
            if (n is null)
            {
                errors.Add($"the {name} options must be set");
                continue;
            }

            if (n.HiddenUnits < 1 || n.Epochs < 0 || !(n.LearningRate > 0) || n.BatchSize is < 1)
            {
                errors.Add($"options '{name}-hidden-units' ≥ 1, '{name}-epochs' ≥ 0, '{name}-learning-rate' > 0 and '{name}-batch-size' ≥ 1 (or none) are required");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid EXPO options: " + string.Join("; ", errors) + ".");
        }
    }
}
