using System.Globalization;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;

namespace PromptOpt.Simulation;

/// <summary>A task registered in a <see cref="SimulatedWorld"/>: its knowledge, answer space, label bias and examples.</summary>
internal sealed class SimTask
{
    public SimTask(TaskDefinition definition, SimOptions options)
    {
        Definition = definition;
        Name = definition.Name;
        Knowledge = TaskKnowledge.For(definition, options);
        var all = definition.Dataset.All.ToList();
        Targets = all.Select(e => e.Target).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var choices = all.Where(e => e.Choices is { Count: > 0 }).SelectMany(e => e.Choices!).Select(c => c.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Labels = choices.Length > 0 ? choices
            : Targets.Count is > 1 and <= 12 && Targets.All(t => !t.Contains(' ', StringComparison.Ordinal)) ? Targets : [];
        ById = new Dictionary<string, Example>(StringComparer.Ordinal);
        foreach (var e in all)
        {
            ById.TryAdd(e.Id, e);
        }

        // The label bias: a seeded Dirichlet(1) over the label universe (normalised Exp(1) draws).
        var raw = Labels.Select(l => -Math.Log(Math.Max(1e-12, StableHash.Uniform(options.Seed, Name, "label-bias", l)))).ToArray();
        double sum = raw.Sum();
        Bias = Labels.Select((l, i) => (l, raw[i] / Math.Max(1e-12, sum))).ToDictionary(x => x.l, x => x.Item2, StringComparer.Ordinal);
    }

    public TaskDefinition Definition { get; }

    public string Name { get; }

    public TaskKnowledge Knowledge { get; }

    /// <summary>Gets the distinct targets in ordinal order (the pool of near-miss answers for free text).</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>Gets the task's label universe: every choice of every example, else a small set of one-word targets; empty for open answers.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gets the seeded Dirichlet(1) label bias of the guess prior.</summary>
    public IReadOnlyDictionary<string, double> Bias { get; }

    public Dictionary<string, Example> ById { get; }

    /// <summary>
    /// d_x: built-in examples (with a generator <c>level</c>) d = step·(level − 2) + N(0, 0.4); other examples N(0, 0.8),
    /// both from hash(seed, task, example id).
    /// </summary>
    public double Difficulty(Example example, SimOptions options)
    {
        double z = StableHash.Normal(options.Seed, Name, example.Id, "difficulty");
        if (example.Meta is { } meta && meta.TryGetValue(BuiltInTask.LevelKey, out var level) && level.ValueKind == System.Text.Json.JsonValueKind.Number)
        {
            return (options.LevelDifficultyStep * (level.GetDouble() - 2)) + (z * options.BuiltInDifficultyStdDev);
        }

        return z * options.DifficultyStdDev;
    }

    /// <summary>The task skills the example needs (the framing skill is needed by every example and not listed here).</summary>
    public IReadOnlyList<SkillDescriptor> Required(Example example, SimOptions options) => Knowledge.Required(example, options.Seed, Name);

    /// <summary>The labels an example can be answered with: its choices, else the task's label universe.</summary>
    public IReadOnlyList<string> LabelsOf(Example example) =>
        example.Choices is { Count: > 0 } c ? c.Select(x => x.Trim()).Distinct(StringComparer.Ordinal).ToList() : Labels;

    /// <summary>A near miss for an open answer: a nearby number, another target of the task, or a shortened string.</summary>
    public string NearMiss(Example example, Random rng)
    {
        var target = example.Target;
        if (decimal.TryParse(target.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            decimal[] offsets = [1, -1, 2, -2, 10, -10, 3];
            return (number + offsets[rng.Next(offsets.Length)]).ToString(CultureInfo.InvariantCulture);
        }

        for (int attempt = 0; attempt < 8 && Targets.Count > 1; attempt++)
        {
            var other = Targets[rng.Next(Targets.Count)];
            if (!string.Equals(other.Trim(), target.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return other;
            }
        }

        return target.Length > 1 ? target[..^1] : target + "x";
    }
}
