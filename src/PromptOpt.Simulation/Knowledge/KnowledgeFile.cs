using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using PromptOpt.Data;

namespace PromptOpt.Simulation.Knowledge;

/// <summary>
/// A knowledge file (SIMULATOR.md v2, "Task knowledge"): what the simulated model knows about a public benchmark,
/// written from the benchmark's published description. Shipped inside the assembly (<c>Knowledge/Files/&lt;dataset&gt;.json</c>)
/// and found by dataset name; <see cref="SimOptions.KnowledgeDirectory"/> may hold more (or replacing) files. Format:
/// <code>
/// { "dataset": name, "source": text, "kind": "reasoning" | "classification", "framing": [instruction and label-definition sentences],
///   "skills": [ { "name", "weight"?, "descriptions": [3–6], "phrases": [≥ 2], "needed_when": "always" | { "regex", "min"?, "max"? } } ],
///   "misconceptions": [ { "name", "skill", "weight"?, "descriptions": [3–6], "phrases": [≥ 2] } ] }
/// </code>
/// A malformed file is a one-line <see cref="DataFormatException"/> naming the file, the line and what was expected.
/// </summary>
internal sealed class KnowledgeFile
{
    private static readonly ConcurrentDictionary<string, KnowledgeFile?> EmbeddedCache = new(StringComparer.Ordinal);

    private KnowledgeFile(string fileName, TaskKind kind, IReadOnlyList<string> framing, IReadOnlyList<KnownSkill> skills, IReadOnlyList<SkillDescriptor> misconceptions)
    {
        FileName = fileName;
        Kind = kind;
        Framing = framing;
        Skills = skills;
        Misconceptions = misconceptions;
    }

    public string FileName { get; }

    public TaskKind Kind { get; }

    public IReadOnlyList<string> Framing { get; }

    public IReadOnlyList<KnownSkill> Skills { get; }

    public IReadOnlyList<SkillDescriptor> Misconceptions { get; }

    /// <summary>Gets the names of the datasets with an embedded knowledge file.</summary>
    public static IReadOnlyList<string> EmbeddedNames { get; } = typeof(KnowledgeFile).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^".json".Length]).Order(StringComparer.Ordinal).ToList();

    private const string ResourcePrefix = "PromptOpt.Simulation.Knowledge.";

    /// <summary>Finds the knowledge file of a task's dataset (by dataset name, then task name): the knowledge directory first, then the embedded files.</summary>
    public static KnowledgeFile? Find(TaskDefinition task, SimOptions options)
    {
        foreach (var name in new[] { task.Dataset.Name, task.Name }.Distinct(StringComparer.Ordinal))
        {
            if (!string.IsNullOrEmpty(options.KnowledgeDirectory))
            {
                var path = Path.Combine(options.KnowledgeDirectory, name + ".json");
                if (File.Exists(path))
                {
                    return Parse(File.ReadAllText(path), path, options);
                }
            }

            if (Embedded(name, options) is { } embedded)
            {
                return embedded;
            }
        }

        return null;
    }

    /// <summary>Parses knowledge-file text.</summary>
    /// <exception cref="DataFormatException">The text is not a knowledge file.</exception>
    public static KnowledgeFile Parse(string json, string file, SimOptions options)
    {
        var doc = LocatedJson.Parse(json, file);
        var root = doc.Root.ValueKind == JsonValueKind.Object ? doc.Root : throw doc.Error("$", "a knowledge object");
        doc.NoOtherProperties(root, "$", "dataset", "source", "kind", "framing", "skills", "misconceptions");
        doc.String(root, "$", "dataset");
        doc.String(root, "$", "source");
        var kindText = doc.String(root, "$", "kind");
        var kind = TaskKnowledge.ParseKind(kindText) ?? throw doc.Error("$.kind", "\"reasoning\" or \"classification\"");
        var framing = root.TryGetProperty("framing", out _) ? doc.Strings(root, "$", "framing", 1, 5) : [];
        var skills = new List<KnownSkill>();
        int i = 0;
        foreach (var s in doc.Required(root, "$", "skills", JsonValueKind.Array).EnumerateArray())
        {
            var path = $"$.skills[{i++}]";
            doc.NoOtherProperties(s.ValueKind == JsonValueKind.Object ? s : throw doc.Error(path, "a skill object"), path, "name", "weight", "descriptions", "phrases", "needed_when");
            var descriptor = new SkillDescriptor(
                doc.String(s, path, "name"),
                SkillKind.Task,
                doc.Optional(s, path, "weight", JsonValueKind.Number)?.GetDouble() ?? options.TaskSkillWeight,
                doc.Strings(s, path, "descriptions", 3, 6),
                doc.Strings(s, path, "phrases", 2, 20));
            skills.Add(new KnownSkill(descriptor, Condition(doc, s, path), 1));
        }

        if (skills.Select(s => s.Skill.Name).Distinct(StringComparer.Ordinal).Count() != skills.Count)
        {
            throw doc.Error("$.skills", "distinct skill names");
        }

        var misconceptions = new List<SkillDescriptor>();
        i = 0;
        if (doc.Optional(root, "$", "misconceptions", JsonValueKind.Array) is { } ms)
        {
            foreach (var m in ms.EnumerateArray())
            {
                var path = $"$.misconceptions[{i++}]";
                doc.NoOtherProperties(m.ValueKind == JsonValueKind.Object ? m : throw doc.Error(path, "a misconception object"), path, "name", "skill", "weight", "descriptions", "phrases");
                var skill = doc.String(m, path, "skill");
                if (!skills.Any(s => s.Skill.Name == skill))
                {
                    throw doc.Error(path + ".skill", $"the name of a skill of this file (not \"{skill}\")");
                }

                misconceptions.Add(new SkillDescriptor(
                    doc.String(m, path, "name"),
                    SkillKind.Misconception,
                    doc.Optional(m, path, "weight", JsonValueKind.Number)?.GetDouble() ?? options.MisconceptionWeight,
                    doc.Strings(m, path, "descriptions", 3, 6),
                    doc.Strings(m, path, "phrases", 2, 20)) { Skill = skill });
            }
        }

        return new KnowledgeFile(Path.GetFileName(file), kind, framing, skills, misconceptions);
    }

    private static ExampleCondition Condition(LocatedJson doc, JsonElement skill, string path)
    {
        if (!skill.TryGetProperty("needed_when", out var when))
        {
            throw doc.Error(path, "a property \"needed_when\" (\"always\" or { \"regex\": … })");
        }

        path += ".needed_when";
        if (when.ValueKind == JsonValueKind.String)
        {
            return when.GetString() == "always" ? ExampleCondition.Always : throw doc.Error(path, "\"always\" or an object { \"regex\", \"min\"?, \"max\"? }");
        }

        if (when.ValueKind != JsonValueKind.Object)
        {
            throw doc.Error(path, "\"always\" or an object { \"regex\", \"min\"?, \"max\"? }");
        }

        doc.NoOtherProperties(when, path, "regex", "min", "max");
        var pattern = doc.String(when, path, "regex");
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw doc.Error(path + ".regex", "a valid regular expression (" + e.Message.Split('\n')[0] + ")");
        }

        int min = doc.Optional(when, path, "min", JsonValueKind.Number)?.GetInt32() ?? 1;
        int? max = doc.Optional(when, path, "max", JsonValueKind.Number)?.GetInt32();
        return new ExampleCondition(regex, min, max);
    }

    private static KnowledgeFile? Embedded(string name, SimOptions options)
    {
        // Embedded files are parsed with the default weights of the options that first asked; weights in them are explicit or the SimOptions default.
        return EmbeddedCache.GetOrAdd(name + "|" + options.TaskSkillWeight.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + options.MisconceptionWeight.ToString(System.Globalization.CultureInfo.InvariantCulture), _ =>
        {
            using var stream = typeof(KnowledgeFile).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json");
            if (stream is null)
            {
                return null;
            }

            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd(), "Knowledge/Files/" + name + ".json", options);
        });
    }
}
