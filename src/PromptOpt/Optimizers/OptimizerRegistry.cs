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

    /// <summary>Gets the registered method names, sorted.</summary>
    public static IReadOnlyList<string> Names => Methods.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Gets a method's one-line description.</summary>
    /// <param name="name">The method name.</param>
    /// <returns>The description.</returns>
    public static string Describe(string name) => Methods.TryGetValue(name, out var m) ? m.Description : string.Empty;

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
            throw new PromptOptInputException($"unknown method '{name}' (known: {string.Join(", ", Names)})");
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
