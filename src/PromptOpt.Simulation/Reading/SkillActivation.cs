using PromptOpt.Simulation.SentenceEncoding;

namespace PromptOpt.Simulation;

/// <summary>How much one instruction unit activates one skill.</summary>
/// <param name="Unit">The sentence or clause.</param>
/// <param name="Skill">The skill name.</param>
/// <param name="Cosine">c: the highest cosine between the unit and the skill's descriptions.</param>
/// <param name="Description">The description reaching <paramref name="Cosine"/>.</param>
/// <param name="Level">g(σ, s) = clamp((c − c0)/(c1 − c0), 0, 1), × the system factor for a task-specific skill read in the system prompt.</param>
public sealed record UnitActivation(InstructionUnit Unit, string Skill, double Cosine, string Description, double Level);

/// <summary>The activation a_s of each skill by a prompt, with the units that carry it.</summary>
public sealed class ActivationResult
{
    internal ActivationResult(IReadOnlyDictionary<string, double> levels, IReadOnlyList<UnitActivation> contributions)
    {
        Levels = levels;
        Contributions = contributions;
    }

    /// <summary>Gets a_s per skill name (every skill asked about has an entry, 0 when inactive).</summary>
    public IReadOnlyDictionary<string, double> Levels { get; }

    /// <summary>Gets, per unit and skill, every activation above 0 (in unit order), for explanations.</summary>
    public IReadOnlyList<UnitActivation> Contributions { get; }

    /// <summary>Gets a_s (0 for a skill not asked about).</summary>
    /// <param name="skill">The skill name.</param>
    public double this[string skill] => Levels.GetValueOrDefault(skill);

    /// <summary>Gets the unit that gives a skill its activation, or <see langword="null"/> when inactive.</summary>
    /// <param name="skill">The skill name.</param>
    /// <returns>The strongest contribution.</returns>
    public UnitActivation? Strongest(string skill) =>
        Contributions.Where(c => c.Skill == skill).OrderByDescending(c => c.Level).FirstOrDefault();
}

/// <summary>
/// Skill activation (SIMULATOR.md v2): g(σ, s) = clamp((c − c0)/(c1 − c0), 0, 1), where c is the highest cosine (by
/// <see cref="MiniLmEncoder"/>) between a sentence or clause σ and the descriptions of s; the prompt's a_s is the
/// maximum over its sentences and clauses, a system-prompt unit counting × <see cref="SimOptions.SystemTaskSkillFactor"/>
/// for a task-specific skill (<see cref="SkillDescriptor.IsTaskSpecific"/>). Used by the task, optimizer and agent roles.
/// </summary>
public static class SkillActivation
{
    /// <summary>g: the activation a cosine gives.</summary>
    /// <param name="cosine">The cosine c.</param>
    /// <param name="c0">The cosine at which activation starts (default 0.50).</param>
    /// <param name="c1">The cosine at which activation is full (default 0.80).</param>
    /// <returns>clamp((c − c0)/(c1 − c0), 0, 1).</returns>
    public static double Gate(double cosine, double c0 = 0.50, double c1 = 0.80) =>
        Math.Clamp((cosine - c0) / Math.Max(1e-9, c1 - c0), 0, 1);

    /// <summary>The highest cosine between a text and a skill's descriptions, and that description.</summary>
    /// <param name="text">The text (a sentence or clause).</param>
    /// <param name="skill">The skill.</param>
    /// <returns>The cosine and description (−1 and empty for a skill without descriptions).</returns>
    public static (double Cosine, string Description) BestCosine(string text, SkillDescriptor skill)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(skill);
        return BestCosine(MiniLmEncoder.Shared.Encode(text), skill);
    }

    /// <summary>Activates skills by a prompt reading.</summary>
    /// <param name="reading">The reading (<see cref="PromptReader.Read"/>).</param>
    /// <param name="skills">The skills to activate.</param>
    /// <param name="options">The options (c0, c1, system factor), or <see langword="null"/> for defaults.</param>
    /// <returns>a_s for every skill, with the contributing units.</returns>
    public static ActivationResult Activate(PromptReading reading, IEnumerable<SkillDescriptor> skills, SimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(skills);
        options ??= DefaultOptions;
        var list = skills as IReadOnlyList<SkillDescriptor> ?? skills.ToList();
        var vectors = MiniLmEncoder.Shared.Encode(reading.Units.Select(u => u.Text).ToList());
        var levels = new Dictionary<string, double>(StringComparer.Ordinal);
        var contributions = new List<UnitActivation>();
        foreach (var s in list)
        {
            levels.TryAdd(s.Name, 0);
        }

        for (int i = 0; i < reading.Units.Count; i++)
        {
            var unit = reading.Units[i];
            foreach (var s in list)
            {
                var (c, description) = BestCosine(vectors[i], s);
                double g = Gate(c, options.ActivationCosineLow, options.ActivationCosineHigh);
                if (g <= 0)
                {
                    continue;
                }

                if (unit.InSystem && s.IsTaskSpecific)
                {
                    g *= options.SystemTaskSkillFactor;
                }

                contributions.Add(new UnitActivation(unit, s.Name, c, description, g));
                if (g > levels[s.Name])
                {
                    levels[s.Name] = g;
                }
            }
        }

        return new ActivationResult(levels, contributions);
    }

    /// <summary>Activates skills by one piece of text read as a user prompt (e.g. an agent's meta-prompt).</summary>
    /// <param name="text">The text.</param>
    /// <param name="skills">The skills.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <returns>a_s for every skill.</returns>
    public static ActivationResult Activate(string text, IEnumerable<SkillDescriptor> skills, SimOptions? options = null) =>
        Activate(PromptReader.Read(null, text ?? string.Empty, charsPerToken: (options ?? DefaultOptions).CharsPerToken), skills, options);

    private static (double Cosine, string Description) BestCosine(float[] vector, SkillDescriptor skill)
    {
        double best = -1;
        string which = string.Empty;
        var descriptions = MiniLmEncoder.Shared.Encode(skill.Descriptions);
        for (int d = 0; d < descriptions.Length; d++)
        {
            double c = MiniLmEncoder.Cosine(vector, descriptions[d]);
            if (c > best)
            {
                best = c;
                which = skill.Descriptions[d];
            }
        }

        return (best, which);
    }

    private static readonly SimOptions DefaultOptions = new();
}
