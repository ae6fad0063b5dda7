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
/// The agent skills of SIMULATOR.md "Agent role" with their trigger phrasings (matched case-insensitively by
/// <see cref="SkillMatcher"/>), plus example sentences carrying each skill (for generating meta-prompt variants).
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

    /// <summary>The generic <c>format</c> skill's name.</summary>
    public const string Format = "format";

    /// <summary>Gets the trigger phrasings of each skill, by skill name.</summary>
    /// <remarks>The <c>format</c> triggers are the generic ones of SIMULATOR.md plus the environments' own answer forms
    /// (<c>[w, b]</c>, <c>&lt;trace&gt;</c>); keep them in step with the task-role <c>format</c> skill.</remarks>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Triggers { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [Explore] = ["explore", "uncertain", "not tried"],
        [Exploit] = ["best so far", "exploit", "highest"],
        [Stats] = ["average", "mean", "summar"],
        [Refine] = ["small adjustments", "refine", "near the best"],
        [Diverse] = ["different from", "new region"],
        [Format] = ["answer with only", "respond with", "output only", "<answer>", "[w, b]", "<trace>"],
    };

    /// <summary>Gets example sentences that carry each skill's trigger (one skill each), by skill name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Phrases { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [Explore] = ["Explore options you are uncertain about.", "Give a fair chance to options you have not tried."],
        [Exploit] = ["Exploit what works: favour the option with the best result so far.", "Prefer the option with the highest reward."],
        [Stats] = ["Work out the average reward of each option before deciding.", "Summarize the history per option and compare the mean values."],
        [Refine] = ["Make small adjustments to the best candidate.", "Refine the solution near the best one found."],
        [Diverse] = ["Propose something clearly different from what was tried.", "Look in a new region of the search space."],
        [Format] = ["Respond with the answer in the requested form and output only that."],
    };

    /// <summary>Detects the skills <paramref name="text"/> activates.</summary>
    /// <param name="text">The meta-prompt text.</param>
    /// <returns>The active skills.</returns>
    public static AgentSkillSet Detect(string? text) => new(
        IsActive(text, Explore), IsActive(text, Exploit), IsActive(text, Stats), IsActive(text, Refine), IsActive(text, Diverse), IsActive(text, Format));

    /// <summary>Gets whether <paramref name="text"/> activates the skill named <paramref name="skill"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="skill">The skill name (see the constants).</param>
    /// <returns><see langword="true"/> when one of its triggers occurs.</returns>
    public static bool IsActive(string? text, string skill) => SkillMatcher.IsActive(text, Triggers[skill]);
}
