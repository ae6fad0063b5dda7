using System.Globalization;
using PromptOpt.Data;

namespace PromptOpt.Simulation;

/// <summary>A task registered in a <see cref="SimulatedWorld"/>: its skills, base logit and answer pool.</summary>
internal sealed class SimTask
{
    public SimTask(TaskDefinition definition, SimOptions options)
    {
        Definition = definition;
        Name = definition.Name;
        Skills = definition.Skills.Count > 0
            ? definition.Skills.Select(s => FromTaskSkill(s, options)).ToList()
            : DerivedSkills.Derive(definition, options);
        Targets = definition.Dataset.All.Select(e => e.Target).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        ById = new Dictionary<string, Example>(StringComparer.Ordinal);
        foreach (var e in definition.Dataset.All)
        {
            ById.TryAdd(e.Id, e);
        }
    }

    public TaskDefinition Definition { get; }

    public string Name { get; }

    /// <summary>Gets the task skills (declared, or derived when none is declared).</summary>
    public IReadOnlyList<SimSkill> Skills { get; }

    /// <summary>Gets the distinct targets in ordinal order (the pool of near-miss answers).</summary>
    public IReadOnlyList<string> Targets { get; }

    public Dictionary<string, Example> ById { get; }

    /// <summary>The example's difficulty d ~ N(0, σ), from hash(seed, task, example id).</summary>
    public double Difficulty(Example example, SimOptions options) =>
        StableHash.Normal(options.Seed, Name, example.Id, "difficulty") * options.DifficultyStdDev;

    /// <summary>The task skills the example requires: each with its rate, from hash(seed, task, example id, skill).</summary>
    public IReadOnlyList<SimSkill> Required(Example example, SimOptions options) =>
        Skills.Where(s => StableHash.Uniform(options.Seed, Name, example.Id, s.Name, "required") < s.Rate).ToList();

    internal static SimSkill FromTaskSkill(TaskSkill s, SimOptions options) => new(
        s.Name,
        SkillKind.Task,
        s.Triggers,
        s.Weight ?? options.TaskSkillWeight,
        s.Rate,
        s.Triggers.Where(t => t.Length > 0)
            .SelectMany(t => SimCatalog.TaskSkillTemplates.Select(f => string.Format(CultureInfo.InvariantCulture, f, t)))
            .ToList());
}
