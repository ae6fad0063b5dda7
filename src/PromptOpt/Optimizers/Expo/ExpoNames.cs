namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// The command-line names of EXPO, EXPO-ES and their baselines (ALGORITHMS.md §5), one decision method each so that
/// <c>--method expo-uniform</c> reads as what it is and benchmarks compare methods by name.
/// </summary>
public static class ExpoNames
{
    /// <summary>EXPO.</summary>
    public const string Expo = "expo";

    /// <summary>EXPO-ES.</summary>
    public const string ExpoEs = "expo-es";

    /// <summary>Baseline: the original meta-prompt every step.</summary>
    public const string Fixed = "expo-fixed";

    /// <summary>Baseline: a uniformly random arm every step.</summary>
    public const string Uniform = "expo-uniform";

    /// <summary>Baseline: EXP3 with importance-weighted rewards, no network.</summary>
    public const string Exp3 = "expo-exp3";

    /// <summary>Baseline: ε-greedy on the arms' mean rewards.</summary>
    public const string EpsilonGreedy = "expo-egreedy";

    /// <summary>Gets every name, EXPO and EXPO-ES first.</summary>
    public static IReadOnlyList<string> All { get; } = [Expo, ExpoEs, Fixed, Uniform, Exp3, EpsilonGreedy];

    /// <summary>Gets a strategy's method name.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The name.</returns>
    public static string Of(ExpoStrategy strategy) => strategy switch
    {
        ExpoStrategy.Expo => Expo,
        ExpoStrategy.ExpoEs => ExpoEs,
        ExpoStrategy.Fixed => Fixed,
        ExpoStrategy.Uniform => Uniform,
        ExpoStrategy.Exp3 => Exp3,
        _ => EpsilonGreedy,
    };

    /// <summary>Gets a method's one-line description (for <c>promptopt</c>'s method list).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The description.</returns>
    public static string Describe(ExpoStrategy strategy) => strategy switch
    {
        ExpoStrategy.Expo => "EXPO: online meta-prompt (task description × meta-instruction) selection for an LLM agent, exponential weights over neural score estimates",
        ExpoStrategy.ExpoEs => "EXPO-ES: EXPO plus exponential-weights selection of the exemplars shown to the agent",
        ExpoStrategy.Fixed => "EXPO baseline: the original, fixed meta-prompt every step",
        ExpoStrategy.Uniform => "EXPO baseline: a uniformly random (description, instruction) arm every step",
        ExpoStrategy.Exp3 => "EXPO baseline: EXP3 over the arms with importance-weighted rewards, no network",
        _ => "EXPO baseline: ε-greedy on the arms' mean rewards (ε = 0.1)",
    };
}
