namespace PromptOpt.Optimizers;

/// <summary>
/// The prompt optimizers by command-line name. Each method registers itself here with ONE line: its name, a one-line
/// description, and a factory that binds key/value settings to its options (see <see cref="OptionsValidation.Bind"/>).
/// </summary>
public static class OptimizerRegistry
{
    private static readonly Dictionary<string, (string Description, Func<IReadOnlyDictionary<string, string>?, IPromptOptimizer> Create)> Methods =
        new(StringComparer.OrdinalIgnoreCase)
        {
            // name → (description, factory). Add a method here.
            [DualPhase.DualPhaseNames.Method] = (DualPhase.DualPhaseNames.Description, s => new DualPhase.DualPhaseOptimizer(DualPhase.DualPhaseOptions.FromSettings(s))),
            [Baselines.Ape.ApeOptimizer.MethodName] = (Baselines.Ape.ApeOptimizer.Description, Baselines.Ape.ApeOptimizer.FromSettings),
            [Baselines.Opro.OproOptimizer.MethodName] = (Baselines.Opro.OproOptimizer.Description, Baselines.Opro.OproOptimizer.FromSettings),
            [Baselines.ProTeGi.ProTeGiOptimizer.MethodName] = (Baselines.ProTeGi.ProTeGiOptimizer.Description, Baselines.ProTeGi.ProTeGiOptimizer.FromSettings),
            [MetaSpo.MetaSpoOptimizer.MethodName] = ("MetaSPO: a system prompt meta-learned across source tasks (inner user-prompt loop, outer system-prompt loop); unseen-task protocols", MetaSpo.MetaSpoOptimizer.Create),
        };

    private static readonly Dictionary<string, (string Description, Func<IReadOnlyDictionary<string, string>?, IDecisionOptimizer> Create)> DecisionMethods =
        new(StringComparer.OrdinalIgnoreCase)
        {
            // Online decision methods (an environment instead of a task): name → (description, factory).
            [Expo.ExpoNames.Expo] = (Expo.ExpoNames.Describe(Expo.ExpoStrategy.Expo), s => new Expo.ExpoOptimizer(Expo.ExpoOptions.FromSettings(Expo.ExpoStrategy.Expo, s))),
            [Expo.ExpoNames.ExpoEs] = (Expo.ExpoNames.Describe(Expo.ExpoStrategy.ExpoEs), s => new Expo.ExpoOptimizer(Expo.ExpoOptions.FromSettings(Expo.ExpoStrategy.ExpoEs, s))),
            [Expo.ExpoNames.Fixed] = (Expo.ExpoNames.Describe(Expo.ExpoStrategy.Fixed), s => new Expo.ExpoOptimizer(Expo.ExpoOptions.FromSettings(Expo.ExpoStrategy.Fixed, s))),
            [Expo.ExpoNames.Uniform] = (Expo.ExpoNames.Describe(Expo.ExpoStrategy.Uniform), s => new Expo.ExpoOptimizer(Expo.ExpoOptions.FromSettings(Expo.ExpoStrategy.Uniform, s))),
            [Expo.ExpoNames.Exp3] = (Expo.ExpoNames.Describe(Expo.ExpoStrategy.Exp3), s => new Expo.ExpoOptimizer(Expo.ExpoOptions.FromSettings(Expo.ExpoStrategy.Exp3, s))),
            [Expo.ExpoNames.EpsilonGreedy] = (Expo.ExpoNames.Describe(Expo.ExpoStrategy.EpsilonGreedy), s => new Expo.ExpoOptimizer(Expo.ExpoOptions.FromSettings(Expo.ExpoStrategy.EpsilonGreedy, s))),
        };

    /// <summary>Gets the registered method names, sorted.</summary>
    public static IReadOnlyList<string> Names => Methods.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Gets every method name, prompt and decision methods alike, sorted: the one list that help and errors show.</summary>
    public static IReadOnlyList<string> AllNames
    {
        get
        {
            lock (Methods)
            {
                lock (DecisionMethods)
                {
                    return Methods.Keys.Concat(DecisionMethods.Keys).Order(StringComparer.Ordinal).ToList();
                }
            }
        }
    }

    /// <summary>Gets a method's one-line description.</summary>
    /// <param name="name">The method name.</param>
    /// <returns>The description.</returns>
    public static string Describe(string name) =>
        Methods.TryGetValue(name, out var m) ? m.Description
        : DecisionMethods.TryGetValue(name, out var d) ? d.Description
        : string.Empty;

    /// <summary>Gets the registered online decision method names (<see cref="IDecisionOptimizer"/>: EXPO and its baselines), sorted.</summary>
    public static IReadOnlyList<string> DecisionNames => DecisionMethods.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Gets whether <paramref name="name"/> is an online decision method (it runs in an environment, not on a task).</summary>
    /// <param name="name">The method name.</param>
    /// <returns><see langword="true"/> for a registered decision method.</returns>
    public static bool IsDecisionMethod(string? name) => name is not null && DecisionMethods.ContainsKey(name);

    /// <summary>Creates an online decision optimizer by name with settings bound to its options.</summary>
    /// <param name="name">The method name (e.g. <c>expo</c>, <c>expo-uniform</c>).</param>
    /// <param name="settings">Method settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="PromptOptInputException">Unknown decision method (the message lists the known ones) or bad settings.</exception>
    public static IDecisionOptimizer CreateDecision(string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!DecisionMethods.TryGetValue(name, out var m))
        {
            var hint = Methods.ContainsKey(name) ? $"'{name}' optimizes a task prompt, not an agent in an environment; " : string.Empty;
            throw new PromptOptInputException($"{hint}unknown decision method '{name}' (decision methods: {string.Join(", ", DecisionNames)})");
        }

        return m.Create(settings);
    }

    /// <summary>Registers an online decision method (used by the built-in registrations and by extensions).</summary>
    /// <param name="name">The method name.</param>
    /// <param name="description">A one-line description.</param>
    /// <param name="create">The factory.</param>
    public static void RegisterDecision(string name, string description, Func<IReadOnlyDictionary<string, string>?, IDecisionOptimizer> create)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(create);
        lock (DecisionMethods)
        {
            DecisionMethods[name] = (description, create);
        }
    }

    /// <summary>Creates an optimizer by name with settings bound to its options.</summary>
    /// <param name="name">The method name.</param>
    /// <param name="settings">Method settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="PromptOptInputException">Unknown method (the message lists the known ones) or bad settings.</exception>
    public static IPromptOptimizer Create(string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Methods.TryGetValue(name, out var m))
        {
            var hint = DecisionMethods.ContainsKey(name) ? $"'{name}' runs an agent in an environment: use {nameof(CreateDecision)} with a {nameof(DecisionRequest)}; " : string.Empty;
            throw new PromptOptInputException($"{hint}unknown method '{name}' (known: {string.Join(", ", AllNames)})");
        }

        return m.Create(settings);
    }

    /// <summary>Registers a method (used by the built-in registrations and by extensions).</summary>
    /// <param name="name">The method name.</param>
    /// <param name="description">A one-line description.</param>
    /// <param name="create">The factory.</param>
    public static void Register(string name, string description, Func<IReadOnlyDictionary<string, string>?, IPromptOptimizer> create)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(create);
        lock (Methods)
        {
            Methods[name] = (description, create);
        }
    }
}
