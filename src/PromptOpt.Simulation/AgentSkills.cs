using System.Text.RegularExpressions;
using System.Collections.Concurrent;

namespace PromptOpt.Simulation;

/// <summary>
/// How strongly a meta-prompt activates each agent skill (SIMULATOR.md "Agent role"): graded activations a_s in [0, 1].
/// </summary>
/// <param name="Explore">E: explore (suggestive framing: try the uncertain, balance exploration and exploitation).</param>
/// <param name="Exploit">X: exploit (stick to the best option so far).</param>
/// <param name="Reasoning">C: chain of thought (reason before choosing).</param>
/// <param name="Statistics">A: compute each option's average from the history.</param>
/// <param name="Refine">Make small adjustments near the best point (linear regression, TSP).</param>
/// <param name="Diverse">Propose something different from what was seen (linear regression, TSP).</param>
/// <param name="Format">Answer in the requested output form.</param>
public readonly record struct AgentSkillSet(double Explore, double Exploit, double Reasoning, double Statistics, double Refine, double Diverse, double Format);

/// <summary>
/// The agent skills of SIMULATOR.md "Agent role" (data: the embedded catalogue <c>Catalogues/agent.json</c>) and how a
/// meta-prompt activates them: by <see cref="SkillActivation"/>, the same activation as the task skills. The history block
/// is not instruction text: callers remove it first (a bandit through <see cref="Decision.BanditHistoryText.Read"/>; the
/// regression and TSP exemplar lines are dropped here as lines with fewer than three words).
/// </summary>
public static partial class AgentSkills
{
    /// <summary>The explore skill (E, suggestive framing).</summary>
    public const string Explore = "explore";

    /// <summary>The exploit skill (X).</summary>
    public const string Exploit = "exploit";

    /// <summary>The reasoning skill (C, chain of thought).</summary>
    public const string Reasoning = "reasoning";

    /// <summary>The statistics skill (A, "compute each arm's average").</summary>
    public const string Statistics = "statistics";

    /// <summary>The refine skill (small steps near the best point).</summary>
    public const string Refine = "refine";

    /// <summary>The diverse skill (proposals unlike the previous ones).</summary>
    public const string Diverse = "diverse";

    private static readonly Lazy<IReadOnlyList<SkillDescriptor>> Catalogue = new(() => SkillCatalogue.Embedded("agent.json"));

    private static readonly ConcurrentDictionary<string, AgentSkillSet> Readings = new(StringComparer.Ordinal);

    /// <summary>Gets the agent skills (explore, exploit, reasoning, statistics, refine, diverse).</summary>
    public static IReadOnlyList<SkillDescriptor> All => Catalogue.Value;

    /// <summary>Gets the skills the simulated optimizer's variant writer can add to an agent meta-prompt: the agent skills and the generic <c>format</c> skill.</summary>
    public static IReadOnlyList<SkillDescriptor> Writable => [.. All, .. SkillCatalogue.AllGeneric.Where(s => s.Name == SkillCatalogue.Format)];

    /// <summary>Reads the activations of <paramref name="instructionText"/>.</summary>
    /// <param name="instructionText">The meta-prompt's text without its history block.</param>
    /// <param name="options">The simulator options (activation cosines, answer-form markers), or <see langword="null"/> for the defaults.</param>
    /// <returns>The activations; <c>format</c> is the generic format skill's, or 1 when the text shows the environment's answer form (<see cref="AgentSimOptions.AnswerFormMarkers"/>).</returns>
    public static AgentSkillSet Read(string? instructionText, SimOptions? options = null)
    {
        options ??= Defaults;
        var text = string.Join("\n", (instructionText ?? string.Empty).Split('\n').Where(IsInstructionLine));
        if (options.ActivationCosineLow == Defaults.ActivationCosineLow && options.ActivationCosineHigh == Defaults.ActivationCosineHigh
            && options.Agent.AnswerFormMarkers.SequenceEqual(Defaults.Agent.AnswerFormMarkers))
        {
            // The instruction text of an agent's meta-prompt is the same at every step: read it once.
            if (Readings.Count > 10_000)
            {
                Readings.Clear();
            }

            return Readings.GetOrAdd(text, t => Compute(t, Defaults));
        }

        return Compute(text, options);
    }

    private static AgentSkillSet Compute(string text, SimOptions options)
    {
        var a = SkillActivation.Activate(text, Writable, options);
        double format = Math.Max(a[SkillCatalogue.Format], SkillMatcher.IsActive(text, options.Agent.AnswerFormMarkers) ? 1 : 0);
        return new(a[Explore], a[Exploit], a[Reasoning], a[Statistics], a[Refine], a[Diverse], format);
    }

    /// <summary>A line is instruction text when it has at least three words of two or more letters (exemplar lines such as <c>w=15, b=14</c>, <c>value:</c> or a trace have fewer).</summary>
    private static bool IsInstructionLine(string line) => Word().Count(TagRegex().Replace(line, " ")) >= 3;

    private static readonly SimOptions Defaults = new();

    [GeneratedRegex(@"\p{L}{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"</?\w+>", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();
}
