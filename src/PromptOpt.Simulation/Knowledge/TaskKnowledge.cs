using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Simulation.Knowledge;

namespace PromptOpt.Simulation;

/// <summary>Which examples need a task skill: a condition on the example's input (SIMULATOR.md v2, knowledge files).</summary>
/// <param name="Pattern">A case-insensitive regular expression, or <see langword="null"/> for "always".</param>
/// <param name="Min">The least number of matches.</param>
/// <param name="Max">The largest number of matches, or <see langword="null"/> for no limit.</param>
public sealed record ExampleCondition(Regex? Pattern, int Min = 1, int? Max = null)
{
    /// <summary>Gets the condition every example meets.</summary>
    public static ExampleCondition Always { get; } = new(null, 0);

    /// <summary>Gets whether an input meets the condition.</summary>
    /// <param name="input">The example input.</param>
    /// <returns><see langword="true"/> when the example needs the skill.</returns>
    public bool Holds(string input)
    {
        if (Pattern is null)
        {
            return true;
        }

        int n = Pattern.Count(input);
        return n >= Min && (Max is null || n <= Max);
    }

    /// <inheritdoc/>
    public override string ToString() => Pattern is null ? "always" : string.Create(CultureInfo.InvariantCulture, $"/{Pattern}/ ≥ {Min}{(Max is { } m ? $" and ≤ {m}" : string.Empty)}");
}

/// <summary>A task skill with how its requirement is decided.</summary>
/// <param name="Skill">The skill.</param>
/// <param name="Condition">The condition on the input (knowledge files), or <see langword="null"/> (declared in code: the example's <c>skills</c> meta, else <paramref name="Rate"/>).</param>
/// <param name="Rate">The fallback probability that an example needs the skill.</param>
public sealed record KnownSkill(SkillDescriptor Skill, ExampleCondition? Condition, double Rate);

/// <summary>
/// What the simulated model knows about a task (SIMULATOR.md v2, "Task knowledge"): its kind, the generic skills with
/// that kind's weights, the task-framing skill, and the task skills and misconceptions — declared in code for built-in
/// tasks, read from a knowledge file for a public benchmark, and none at all for any other dataset.
/// </summary>
public sealed class TaskKnowledge
{
    internal TaskKnowledge(TaskKind kind, SkillDescriptor framing, IReadOnlyList<KnownSkill> skills, IReadOnlyList<SkillDescriptor> misconceptions, string origin)
    {
        Kind = kind;
        Framing = framing;
        Skills = skills;
        Misconceptions = misconceptions;
        Origin = origin;
        Generic = SkillCatalogue.Generic(kind);
        All = [.. Generic, Framing, .. Skills.Select(s => s.Skill), .. Misconceptions, .. SkillCatalogue.ConflictSides];
    }

    /// <summary>Gets the task kind.</summary>
    public TaskKind Kind { get; }

    /// <summary>Gets the generic skills with the kind's weights.</summary>
    public IReadOnlyList<SkillDescriptor> Generic { get; }

    /// <summary>Gets the task-framing skill (the task's own instruction and label definitions; required by every example).</summary>
    public SkillDescriptor Framing { get; }

    /// <summary>Gets the task skills (empty for a dataset without knowledge).</summary>
    public IReadOnlyList<KnownSkill> Skills { get; }

    /// <summary>Gets the misconceptions (kind <see cref="SkillKind.Misconception"/>, <see cref="SkillDescriptor.Skill"/> set).</summary>
    public IReadOnlyList<SkillDescriptor> Misconceptions { get; }

    /// <summary>Gets where the knowledge comes from: <c>built-in</c>, <c>declared</c>, <c>knowledge file &lt;name&gt;</c> or <c>none</c>.</summary>
    public string Origin { get; }

    /// <summary>Gets every skill a prompt for this task is read against (generic, framing, task, misconceptions, conflict sides).</summary>
    public IReadOnlyList<SkillDescriptor> All { get; }

    /// <summary>Builds the knowledge of a task: declared skills, else the knowledge file of its dataset, else none.</summary>
    internal static TaskKnowledge For(TaskDefinition task, SimOptions options)
    {
        if (task.Skills.Count > 0)
        {
            var kind = ParseKind(task.Kind) ?? TaskKind.Reasoning;
            var skills = task.Skills.Select(s => new KnownSkill(
                new SkillDescriptor(s.Name, SkillKind.Task, s.Weight ?? options.TaskSkillWeight, s.Descriptions, s.Phrases), null, s.Rate)).ToList();
            var misconceptions = task.Misconceptions.Select(m =>
                new SkillDescriptor(m.Name, SkillKind.Misconception, m.Weight ?? options.MisconceptionWeight, m.Descriptions, m.Phrases) { Skill = m.Skill }).ToList();
            return new TaskKnowledge(kind, FramingOf(task, [], options), skills, misconceptions, "declared in code");
        }

        if (KnowledgeFile.Find(task, options) is { } file)
        {
            return new TaskKnowledge(file.Kind, FramingOf(task, file.Framing, options), file.Skills, file.Misconceptions, "knowledge file " + file.FileName);
        }

        return new TaskKnowledge(ParseKind(task.Kind) ?? TaskKind.Reasoning, FramingOf(task, [], options), [], [], "none (no task skills)");
    }

    internal static TaskKind? ParseKind(string? kind) =>
        Enum.TryParse<TaskKind>(kind, ignoreCase: true, out var k) ? k : null;

    /// <summary>
    /// The framing skill: descriptions are the task's own instruction, its one-line description (built-in tasks) and the
    /// knowledge file's framing lines (label definitions); the phrase bank is the instruction as the writer states it.
    /// </summary>
    private static SkillDescriptor FramingOf(TaskDefinition task, IReadOnlyList<string> extra, SimOptions options)
    {
        var descriptions = new List<string> { task.DefaultInstruction.Trim() };
        if (task.Skills.Count > 0 && task.Description.Length > 0)
        {
            descriptions.Add(task.Description.Trim());
        }

        descriptions.AddRange(extra);
        var phrases = new List<string> { task.DefaultInstruction.Trim() };
        phrases.AddRange(extra);
        return new SkillDescriptor(SkillCatalogue.Framing, SkillKind.Framing, options.FramingWeight, descriptions.Distinct(StringComparer.Ordinal).Take(6).ToList(), phrases);
    }

    /// <summary>The task skills an example needs: its <c>skills</c> meta (built-in generators), else each skill's condition or rate.</summary>
    internal IReadOnlyList<SkillDescriptor> Required(Example example, int seed, string taskName)
    {
        if (example.Meta is { } meta && meta.TryGetValue(BuiltInTask.SkillsKey, out var declared) && declared.ValueKind == JsonValueKind.Array)
        {
            var names = declared.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()).ToHashSet(StringComparer.Ordinal);
            return Skills.Where(s => names.Contains(s.Skill.Name)).Select(s => s.Skill).ToList();
        }

        return Skills.Where(s => s.Condition is { } c
                ? c.Holds(example.Input)
                : StableHash.Uniform(seed, taskName, example.Id, s.Skill.Name, "required") < s.Rate)
            .Select(s => s.Skill).ToList();
    }
}
