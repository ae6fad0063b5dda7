namespace PromptOpt.Simulation;

/// <summary>Which agent skills a meta-prompt activates (SIMULATOR.md "Agent role").</summary>
/// <param name="Explore">Try uncertain or untried options.</param>
/// <param name="Exploit">Stick to the best option so far.</param>
/// <param name="Stats">Compute per-option averages from the history.</param>
/// <param name="Refine">Make small adjustments near the best point.</param>
/// <param name="Diverse">Propose something different from what was seen.</param>
/// <param name="Format">Answer in the requested output format.</param>
public readonly record struct AgentSkillSet(bool Explore, bool Exploit, bool Stats, bool Refine, bool Diverse, bool Format);

/// <summary>
/// Detects the agent skills of SIMULATOR.md "Agent role" in a meta-prompt: <c>explore</c>, <c>exploit</c>, <c>stats</c>,
/// <c>refine</c>, <c>diverse</c> with the triggers of <see cref="SimOptions.AgentSkills"/>, and the generic <c>format</c>
/// skill with the triggers of <see cref="SimOptions.GenericSkills"/> plus <see cref="AgentSimOptions.ExtraFormatTriggers"/>
/// (the environments' own answer forms).
/// </summary>
public static class AgentSkills
{
    /// <summary>The <c>explore</c> skill's name.</summary>
    public const string Explore = "explore";

    /// <summary>The <c>exploit</c> skill's name.</summary>
    public const string Exploit = "exploit";

    /// <summary>The <c>stats</c> skill's name.</summary>
    public const string Stats = "stats";

    /// <summary>The <c>refine</c> skill's name.</summary>
    public const string Refine = "refine";

    /// <summary>The <c>diverse</c> skill's name.</summary>
    public const string Diverse = "diverse";

    /// <summary>Detects the skills <paramref name="text"/> activates.</summary>
    /// <param name="text">The meta-prompt text.</param>
    /// <param name="options">The simulator options (skill triggers), or <see langword="null"/> for the defaults.</param>
    /// <returns>The active skills.</returns>
    public static AgentSkillSet Detect(string? text, SimOptions? options = null)
    {
        options ??= Defaults;
        bool Active(string name) => options.AgentSkills.Any(s => s.Name == name && s.IsActiveIn(text));
        bool format = options.GenericSkills.Any(s => s.Name == SimCatalog.Format && s.IsActiveIn(text))
            || SkillMatcher.IsActive(text, options.Agent.ExtraFormatTriggers);
        return new(Active(Explore), Active(Exploit), Active(Stats), Active(Refine), Active(Diverse), format);
    }

    private static readonly SimOptions Defaults = new();
}
