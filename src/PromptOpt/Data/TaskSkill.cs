namespace PromptOpt.Data;

/// <summary>
/// A latent capability of a task, as the simulator models it (SIMULATOR.md v2, "Task knowledge"): a prompt activates the
/// skill when one of its sentences or clauses means what one of the <see cref="Descriptions"/> says (a sentence encoder
/// compares them). Which examples need it comes from the example (the generator's <c>skills</c> meta), else
/// <see cref="Rate"/>.
/// </summary>
/// <param name="Name">The skill name, e.g. <c>order_of_operations</c>.</param>
/// <param name="Descriptions">3–6 instructions that carry the skill, short and long, written as a person would (never a negation).</param>
/// <param name="Phrases">The phrase bank the simulated optimizer writes for the skill (distinct from the descriptions).</param>
/// <param name="Rate">For examples without a <c>skills</c> meta: the probability that an example needs this skill.</param>
/// <param name="Weight">The logit weight w_s; <see langword="null"/> uses the simulator's default (1.2).</param>
public sealed record TaskSkill(string Name, IReadOnlyList<string> Descriptions, IReadOnlyList<string> Phrases, double Rate = 0.5, double? Weight = null);

/// <summary>
/// A wrong procedure for a task skill (SIMULATOR.md v2, "misconceptions"): a prompt that carries it hurts the examples
/// that need <see cref="Skill"/>. Written as a distinct procedure, never as the negation of the right one (the encoder
/// cannot tell a rule from its negation).
/// </summary>
/// <param name="Name">The misconception name.</param>
/// <param name="Skill">The task skill it is a wrong procedure for.</param>
/// <param name="Descriptions">3–6 instructions that carry it.</param>
/// <param name="Phrases">Sentences the simulated optimizer writes when it adds it (a harmful edit).</param>
/// <param name="Weight">The weight w_m; <see langword="null"/> uses the simulator's default (1.0).</param>
public sealed record TaskMisconception(string Name, string Skill, IReadOnlyList<string> Descriptions, IReadOnlyList<string> Phrases, double? Weight = null);
