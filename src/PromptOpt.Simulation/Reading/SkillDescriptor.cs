namespace PromptOpt.Simulation;

/// <summary>The kinds of simulated skills (SIMULATOR.md v2, "Prompt reading" and "Task role").</summary>
public enum SkillKind
{
    /// <summary>The same for every task of a kind (format, stepwise, verify, focus, label definitions): counts in the system or the user prompt.</summary>
    Generic,

    /// <summary>Specific to one task and needed by some of its examples: counts fully in the user prompt, × 0.5 in the system prompt.</summary>
    Task,

    /// <summary>Shapes the simulated agent's policy in a decision environment (EXPO).</summary>
    Agent,

    /// <summary>The task-framing skill: sentences close to the task's own instruction and label definitions; required by every dataset example.</summary>
    Framing,

    /// <summary>A wrong procedure for a task skill (<see cref="SkillDescriptor.Skill"/>): hurts the examples that need that skill.</summary>
    Misconception,
}

/// <summary>
/// One skill of a catalogue (SIMULATOR.md v2): its name, kind, weight, the 3–6 descriptions the sentence encoder
/// compares prompt sentences with (short and long forms), and a phrase bank the simulated optimizer writes from
/// (distinct from the descriptions, so a written sentence activates the skill through meaning, not by copying).
/// </summary>
/// <param name="Name">The skill name (e.g. <c>format</c>, <c>order_of_operations</c>).</param>
/// <param name="Kind">The kind.</param>
/// <param name="Weight">The logit weight: w_g for a generic skill (per task kind), w_s for a task skill, w_m for a misconception.</param>
/// <param name="Descriptions">What the skill is, as instructions a person would write; never a negation (the encoder reads "do X" and "do not X" alike).</param>
/// <param name="Phrases">The phrase bank: sentences the simulated optimizer writes for this skill.</param>
public sealed record SkillDescriptor(string Name, SkillKind Kind, double Weight, IReadOnlyList<string> Descriptions, IReadOnlyList<string> Phrases)
{
    /// <summary>Gets, for a <see cref="SkillKind.Misconception"/>, the task skill it is a wrong procedure for; else <see langword="null"/>.</summary>
    public string? Skill { get; init; }

    /// <summary>Gets a copy with another weight (generic skills weigh differently per task kind).</summary>
    /// <param name="weight">The weight.</param>
    /// <returns>The copy.</returns>
    public SkillDescriptor WithWeight(double weight) => this with { Weight = weight };

    /// <summary>Gets whether the skill counts at <see cref="SimOptions.SystemTaskSkillFactor"/> when only the system prompt carries it (task-specific kinds).</summary>
    public bool IsTaskSpecific => Kind is SkillKind.Task or SkillKind.Framing or SkillKind.Misconception;
}
