namespace PromptOpt.Simulation;

/// <summary>
/// A latent capability of the simulated model. A prompt activates it when its text contains one of the
/// <see cref="Triggers"/> (case-insensitive, see <see cref="SkillMatcher"/>).
/// </summary>
/// <param name="Name">The skill name (e.g. <c>format</c>, <c>order_of_operations</c>).</param>
/// <param name="Kind">The kind.</param>
/// <param name="Triggers">The trigger phrasings.</param>
/// <param name="Weight">The logit weight (w_g for generic skills, w_s for task skills).</param>
/// <param name="Rate">For task skills: the probability that an example requires it; 1 for the other kinds.</param>
/// <param name="Phrasings">Whole sentences carrying a trigger, which the simulated optimizer writes when it adds the skill.</param>
public sealed record SimSkill(string Name, SkillKind Kind, IReadOnlyList<string> Triggers, double Weight, double Rate, IReadOnlyList<string> Phrasings)
{
    /// <summary>Gets whether <paramref name="text"/> activates this skill.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when a trigger occurs.</returns>
    public bool IsActiveIn(string? text) => SkillMatcher.IsActive(text, Triggers);

    /// <summary>Gets the first trigger occurring in <paramref name="text"/>, or <see langword="null"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The trigger.</returns>
    public string? FindTrigger(string? text) =>
        string.IsNullOrEmpty(text) ? null : Triggers.FirstOrDefault(t => t.Length > 0 && text.Contains(t, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A documented pair of contradictory instructions: a prompt containing a trigger of <see cref="SideA"/> and a trigger of
/// <see cref="SideB"/> has one conflict, which costs λ_conflict in the logit (SIMULATOR.md, "Task role").
/// </summary>
/// <param name="Name">The conflict name.</param>
/// <param name="SideA">Phrasings of one instruction.</param>
/// <param name="SideB">Phrasings of the contradicting instruction.</param>
public sealed record SimConflict(string Name, IReadOnlyList<string> SideA, IReadOnlyList<string> SideB)
{
    /// <summary>Gets whether <paramref name="text"/> contains both sides.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when the text contradicts itself this way.</returns>
    public bool IsPresentIn(string? text) => SkillMatcher.IsActive(text, SideA) && SkillMatcher.IsActive(text, SideB);
}
