namespace PromptOpt.Decision;

/// <summary>A catalog entry: a named environment preset.</summary>
/// <param name="Name">The name used on the command line and in specs.</param>
/// <param name="Description">A one-line description (for <c>promptopt tasks</c>).</param>
/// <param name="Kind">The environment family.</param>
public sealed record EnvironmentInfo(string Name, string Description, DecisionTaskKind Kind);

/// <summary>The built-in decision-making environments for EXPO (ALGORITHMS.md §5), each generated from a seed.</summary>
/// <remarks>
/// The bandits come with both history renderings of Krishnamurthy et al. 2024 (a fact of the environment, never of the
/// prompt): <c>bandit-hard</c> / <c>bandit-easy</c> show the raw history (one line per turn), the <c>-summarized</c>
/// variants one line per button with its count and average reward.
/// </remarks>
public static class EnvironmentCatalog
{
    private static readonly Dictionary<string, (EnvironmentInfo Info, Func<int, DecisionEnvironment> Create)> Entries =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["bandit-hard"] = (new("bandit-hard", "Bernoulli bandit, 5 buttons, gap 0.2, 100 turns; cumulative regret", DecisionTaskKind.Bandit),
                seed => new BanditEnvironment("bandit-hard", seed, BanditOptions.Hard)),
            ["bandit-easy"] = (new("bandit-easy", "Bernoulli bandit, 4 buttons, gap 0.5, 100 turns; cumulative regret", DecisionTaskKind.Bandit),
                seed => new BanditEnvironment("bandit-easy", seed, BanditOptions.Easy)),
            ["bandit-hard-summarized"] = (new("bandit-hard-summarized", "bandit-hard with the history summarised (times pressed and average reward per button)", DecisionTaskKind.Bandit),
                seed => new BanditEnvironment("bandit-hard-summarized", seed, BanditOptions.Hard with { Rendering = BanditHistoryRendering.Summarized })),
            ["bandit-easy-summarized"] = (new("bandit-easy-summarized", "bandit-easy with the history summarised (times pressed and average reward per button)", DecisionTaskKind.Bandit),
                seed => new BanditEnvironment("bandit-easy-summarized", seed, BanditOptions.Easy with { Rendering = BanditHistoryRendering.Summarized })),
            ["linreg"] = (new("linreg", "OPRO linear regression: propose integer [w, b] minimising squared error on 50 points; optimality gap", DecisionTaskKind.LinearRegression),
                seed => new LinearRegressionEnvironment("linreg", seed)),
            ["tsp-10"] = (new("tsp-10", "OPRO travelling salesman, 10 points (exact optimum by DP); relative gap to optimum", DecisionTaskKind.Tsp),
                seed => new TspEnvironment("tsp-10", seed, new TspOptions { Nodes = 10 })),
            ["tsp-15"] = (new("tsp-15", "OPRO travelling salesman, 15 points (2-opt reference); relative gap to reference", DecisionTaskKind.Tsp),
                seed => new TspEnvironment("tsp-15", seed, new TspOptions { Nodes = 15 })),
            ["tsp-20"] = (new("tsp-20", "OPRO travelling salesman, 20 points (2-opt reference); relative gap to reference", DecisionTaskKind.Tsp),
                seed => new TspEnvironment("tsp-20", seed, new TspOptions { Nodes = 20 })),
        };

    private static readonly string[] Order = ["bandit-hard", "bandit-easy", "bandit-hard-summarized", "bandit-easy-summarized", "linreg", "tsp-10", "tsp-15", "tsp-20"];

    /// <summary>Gets every built-in environment, in display order.</summary>
    public static IReadOnlyList<EnvironmentInfo> All { get; } = Order.Select(n => Entries[n].Info).ToArray();

    /// <summary>Gets whether <paramref name="name"/> names a built-in environment (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public static bool Contains(string? name) => name is not null && Entries.ContainsKey(name);

    /// <summary>Creates a fresh instance of a built-in environment.</summary>
    /// <param name="name">The name (case-insensitive).</param>
    /// <param name="seed">The seed the instance is generated from.</param>
    /// <returns>The environment.</returns>
    /// <exception cref="PromptOptInputException">The name is unknown.</exception>
    public static DecisionEnvironment Create(string name, int seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Entries.TryGetValue(name, out var e)
            ? e.Create(seed)
            : throw new PromptOptInputException($"Unknown environment '{name}'; expected one of: {string.Join(", ", Order)}.");
    }
}
