namespace PromptOpt.Data;

/// <summary>
/// A latent capability of a task, as the simulator models it: a prompt activates the skill when its text contains one of
/// the trigger phrasings (case-insensitive). See SIMULATOR.md, "Skills and triggers".
/// </summary>
/// <param name="Name">The skill name, e.g. <c>order_of_operations</c>.</param>
/// <param name="Triggers">Trigger phrasings (case-insensitive substrings).</param>
/// <param name="Rate">The probability that an example requires this skill.</param>
/// <param name="Weight">The logit weight w_s; <see langword="null"/> uses the simulator's default (1.2).</param>
public sealed record TaskSkill(string Name, IReadOnlyList<string> Triggers, double Rate = 0.5, double? Weight = null);
