using System.Text.RegularExpressions;
using PromptOpt.Simulation.SentenceEncoding;

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
/// Reads the agent skills of SIMULATOR.md "Agent role" from a meta-prompt's instruction text, with the same sentence
/// activation as the task skills, over the descriptions of <see cref="AgentSkillCatalog"/>. The history block is not
/// instruction text: callers remove it first (a bandit through <see cref="Decision.BanditHistoryText.Read"/>; the
/// regression and TSP exemplar lines are dropped here as lines of fewer than three words).
/// </summary>
public static partial class AgentSkills
{
    /// <summary>Reads the activations of <paramref name="instructionText"/>.</summary>
    /// <param name="instructionText">The meta-prompt's text without its history block.</param>
    /// <param name="options">The simulator options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The activations.</returns>
    public static AgentSkillSet Read(string? instructionText, SimOptions? options = null)
    {
        options ??= Defaults;
        var text = string.Join("\n", (instructionText ?? string.Empty).Split('\n').Where(IsInstructionLine));
        var sentences = Sentences(text);
        double A(AgentSkillDescriptor s) => Activation(sentences, s.Descriptions);
        var c = AgentSkillCatalog.All;
        double format = Math.Max(
            Activation(sentences, AgentSkillCatalog.FormatDescriptions),
            SkillMatcher.IsActive(text, options.Agent.AnswerFormMarkers) ? 1 : 0);
        return new(A(c[0]), A(c[1]), A(c[2]), A(c[3]), A(c[4]), A(c[5]), format);
    }

    /// <summary>A line is instruction text when it has at least three words of two or more letters (exemplar lines such as <c>w=15, b=14</c>, <c>value:</c> or a trace have fewer).</summary>
    private static bool IsInstructionLine(string line) => Word().Count(TagRegex().Replace(line, " ")) >= 3;

    // TEMPORARY (until the sim-v2 foundation's activation is merged): g = clamp((c − 0.5) / 0.3, 0, 1), max over sentences and clauses.
    private static double Activation(IReadOnlyList<string> sentences, IReadOnlyList<string> descriptions)
    {
        var enc = MiniLmEncoder.Shared;
        double best = 0;
        foreach (var s in sentences)
        {
            var v = enc.Encode(s);
            foreach (var d in descriptions)
            {
                best = Math.Max(best, MiniLmEncoder.Cosine(v, enc.Encode(d)));
            }
        }

        return Math.Clamp((best - 0.5) / 0.3, 0, 1);
    }

    private static List<string> Sentences(string text)
    {
        var list = new List<string>();
        foreach (var s in Regex.Split(text, @"(?<=[.!?])\s+|\n+"))
        {
            var t = s.Trim();
            if (t.Length == 0)
            {
                continue;
            }

            list.Add(t);
            list.AddRange(Regex.Split(t, @"[;,]|\band\b").Select(x => x.Trim()).Where(x => x.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 3));
        }

        return list;
    }

    private static readonly SimOptions Defaults = new();

    [GeneratedRegex(@"\p{L}{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"</?\w+>", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();
}
