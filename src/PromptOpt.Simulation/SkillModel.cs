using PromptOpt.Data;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>
/// The task-role formula of SIMULATOR.md:
/// p(correct) = sigmoid(b_task − d + Σ_required (a_s·w_s − (1 − a_s)·w_s/2) + Σ_generic active w_g
/// − λ_len·max(0, tokens − L0)/100 − λ_conflict·conflicts),
/// where a_s is 1 when a task skill is active in the user prompt, <see cref="SimOptions.SystemTaskSkillFactor"/> when
/// only in the system prompt, 0 otherwise (so a skill found only in the system prompt counts at 0.5 of the way from
/// "missing" to "active"); generic skills count wherever they appear. The prompt text is the system prompt and the user
/// template joined, with the question placeholder in place of the input, so the question never activates skills.
/// </summary>
internal static class SkillModel
{
    public static string PromptText(string? system, string user) =>
        string.IsNullOrEmpty(system) ? user : system + "\n\n" + user;

    public static int Tokens(string text, SimOptions options) =>
        (int)Math.Ceiling(text.Length / Math.Max(0.1, options.CharsPerToken));

    public static PromptInspection Inspect(string? system, string user, SimTask task, SimOptions options)
    {
        var full = PromptText(system, user);
        var active = new List<TriggerActivation>();
        foreach (var g in options.GenericSkills)
        {
            if (g.FindTrigger(user) is { } tu)
            {
                active.Add(new TriggerActivation(g.Name, SkillKind.Generic, 1, tu, false));
            }
            else if (g.FindTrigger(system) is { } ts)
            {
                active.Add(new TriggerActivation(g.Name, SkillKind.Generic, 1, ts, true));
            }
        }

        foreach (var s in task.Skills)
        {
            if (s.FindTrigger(user) is { } tu)
            {
                active.Add(new TriggerActivation(s.Name, SkillKind.Task, 1, tu, false));
            }
            else if (s.FindTrigger(system) is { } ts)
            {
                active.Add(new TriggerActivation(s.Name, SkillKind.Task, options.SystemTaskSkillFactor, ts, true));
            }
        }

        int tokens = Tokens(full, options);
        var conflicts = options.Conflicts.Where(c => c.IsPresentIn(full)).Select(c => c.Name).ToList();
        return new PromptInspection(
            task.Name,
            active,
            tokens,
            conflicts,
            options.LengthPenalty * Math.Max(0, tokens - options.LengthThresholdTokens) / 100.0,
            options.ConflictPenalty * conflicts.Count,
            active.Any(a => a.Skill == SimCatalog.Format && a.Kind == SkillKind.Generic),
            full.Contains("<answer>", StringComparison.OrdinalIgnoreCase));
    }

    public static ExampleExplanation Explain(PromptInspection inspection, SimTask task, Example example, SimOptions options)
    {
        double d = task.Difficulty(example, options);
        var required = task.Required(example, options);
        var terms = new List<LogitTerm> { new("base", task.Definition.BaseLogit), new("difficulty", -d) };
        var missing = new List<string>();
        foreach (var s in required)
        {
            double a = inspection.Active.FirstOrDefault(x => x.Skill == s.Name && x.Kind == SkillKind.Task)?.Level ?? 0;
            terms.Add(new LogitTerm("skill:" + s.Name, (a * s.Weight) - ((1 - a) * s.Weight / 2)));
            if (a < 1)
            {
                missing.Add(s.Name);
            }
        }

        foreach (var g in options.GenericSkills)
        {
            if (inspection.Active.Any(x => x.Skill == g.Name && x.Kind == SkillKind.Generic))
            {
                terms.Add(new LogitTerm("generic:" + g.Name, g.Weight));
            }
        }

        terms.Add(new LogitTerm("length", -inspection.LengthPenalty));
        terms.Add(new LogitTerm("conflicts", -inspection.ConflictPenalty));
        double logit = terms.Sum(t => t.Value);
        double p = 1.0 / (1.0 + Math.Exp(-logit));
        return new ExampleExplanation(
            inspection, example.Id, d, required.Select(s => s.Name).ToList(), missing, terms, logit, p,
            inspection.FormatActive ? 1.0 : 1.0 - options.UnparseableRate);
    }

    /// <summary>The prompt text of a rendered request: the user text with the input replaced by the placeholder.</summary>
    public static string UserTemplate(string user, int start, int length) =>
        string.Concat(user.AsSpan(0, start), Prompt.QuestionPlaceholder, user.AsSpan(start + length));
}
