using System.Text.Json;
using PromptOpt.Data;
using PromptOpt.Simulation.Knowledge;

namespace PromptOpt.Simulation;

/// <summary>
/// The skill catalogues shipped with the simulator as data (embedded JSON resources under <c>Catalogues/</c>): the
/// generic skills with their weights per task kind (<c>generic.json</c>), and any other catalogue (e.g. the agent
/// skills) in the same format. A catalogue file is <c>{ "catalogue": name, "skills": [ { "name", "kind"?,
/// "weight"? | "weights"? { kind: w }, "descriptions": [3–6], "phrases": [≥ 2] } ] }</c>; a malformed one is a one-line
/// <see cref="DataFormatException"/> naming the file and line.
/// </summary>
public static class SkillCatalogue
{
    /// <summary>The name of the generic output-format skill.</summary>
    public const string Format = "format";

    /// <summary>The name of the generic step-by-step reasoning skill.</summary>
    public const string Stepwise = "stepwise";

    /// <summary>The name of the generic self-verification skill.</summary>
    public const string Verify = "verify";

    /// <summary>The name of the generic attention-to-detail skill.</summary>
    public const string Focus = "focus";

    /// <summary>The name of the generic label-definitions skill (classification only).</summary>
    public const string LabelDefinitions = "label_definitions";

    /// <summary>The name of every task's task-framing skill.</summary>
    public const string Framing = "task_framing";

    private static readonly Lazy<IReadOnlyList<CatalogueEntry>> GenericEntries = new(() => LoadEmbedded("generic.json"));

    /// <summary>Gets the generic skills of a task kind, with that kind's weights.</summary>
    /// <param name="kind">The task kind.</param>
    /// <returns>The skills.</returns>
    public static IReadOnlyList<SkillDescriptor> Generic(TaskKind kind) =>
        GenericEntries.Value.Where(e => e.Weights.ContainsKey(kind)).Select(e => e.Skill.WithWeight(e.Weights[kind])).ToList();

    /// <summary>Gets every generic skill (each with its reasoning weight, else its first weight): the optimizer's vocabulary.</summary>
    public static IReadOnlyList<SkillDescriptor> AllGeneric =>
        GenericEntries.Value.Select(e => e.Skill.WithWeight(e.Weights.TryGetValue(TaskKind.Reasoning, out var w) ? w : e.Weights.Values.First())).ToList();

    private static readonly Lazy<IReadOnlyList<SkillDescriptor>> ConflictEntries = new(() => LoadEmbedded("conflicts.json").Select(e => e.Skill with { Weight = 0 }).ToList());

    /// <summary>Gets the first sides of the contradiction pairs (<c>conflicts.json</c>): skills named <c>&lt;x&gt;_vs_&lt;generic&gt;:a</c>.</summary>
    public static IReadOnlyList<SkillDescriptor> ConflictSides => ConflictEntries.Value;

    /// <summary>Gets the contradiction pairs: a conflict side and the generic skill it contradicts (named after <c>_vs_</c>).</summary>
    public static IReadOnlyList<(string Side, string Generic)> ConflictPairs =>
        ConflictSides.Select(s => (s.Name, s.Name[(s.Name.IndexOf("_vs_", StringComparison.Ordinal) + 4)..^2])).ToList();

    /// <summary>Loads an embedded catalogue by file name (e.g. <c>agent.json</c>), every skill with its single weight.</summary>
    /// <param name="fileName">The file name under <c>Catalogues/</c>.</param>
    /// <returns>The skills.</returns>
    public static IReadOnlyList<SkillDescriptor> Embedded(string fileName) =>
        LoadEmbedded(fileName).Select(e => e.Skill).ToList();

    /// <summary>Parses catalogue text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="file">The file name for errors.</param>
    /// <returns>The skills with their weights per task kind (a single <c>weight</c> applies to every kind).</returns>
    /// <exception cref="DataFormatException">The text is not a catalogue.</exception>
    internal static IReadOnlyList<CatalogueEntry> Parse(string json, string file)
    {
        var doc = LocatedJson.Parse(json, file);
        doc.NoOtherProperties(doc.Root.ValueKind == JsonValueKind.Object ? doc.Root : throw doc.Error("$", "an object"), "$", "catalogue", "about", "skills");
        var skills = doc.Required(doc.Root, "$", "skills", JsonValueKind.Array);
        var entries = new List<CatalogueEntry>();
        int i = 0;
        foreach (var s in skills.EnumerateArray())
        {
            var path = $"$.skills[{i++}]";
            if (s.ValueKind != JsonValueKind.Object)
            {
                throw doc.Error(path, "a skill object");
            }

            doc.NoOtherProperties(s, path, "name", "kind", "weight", "weights", "descriptions", "phrases");
            var name = doc.String(s, path, "name");
            var kind = doc.Optional(s, path, "kind", JsonValueKind.String)?.GetString() is { } k
                ? (Enum.TryParse<SkillKind>(k, ignoreCase: true, out var parsed) ? parsed : throw doc.Error(path + ".kind", "one of generic, task, agent, framing, misconception"))
                : SkillKind.Generic;
            var weights = new Dictionary<TaskKind, double>();
            if (doc.Optional(s, path, "weights", JsonValueKind.Object) is { } ws)
            {
                foreach (var p in ws.EnumerateObject())
                {
                    weights[Enum.TryParse<TaskKind>(p.Name, ignoreCase: true, out var tk) ? tk : throw doc.Error($"{path}.weights.{p.Name}", "a task kind (reasoning or classification)")] =
                        p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : throw doc.Error($"{path}.weights.{p.Name}", "a number");
                }
            }
            else
            {
                double w = doc.Optional(s, path, "weight", JsonValueKind.Number)?.GetDouble() ?? 1.0;
                foreach (var tk in Enum.GetValues<TaskKind>())
                {
                    weights[tk] = w;
                }
            }

            if (weights.Count == 0)
            {
                throw doc.Error(path, "a \"weight\" or at least one entry in \"weights\"");
            }

            var descriptions = doc.Strings(s, path, "descriptions", 3, 6);
            var phrases = doc.Strings(s, path, "phrases", 2, 20);
            entries.Add(new CatalogueEntry(new SkillDescriptor(name, kind, weights.Values.First(), descriptions, phrases), weights));
        }

        return entries;
    }

    private static IReadOnlyList<CatalogueEntry> LoadEmbedded(string fileName)
    {
        var resource = "PromptOpt.Simulation.Catalogues." + fileName;
        using var stream = typeof(SkillCatalogue).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the simulator catalogue '{fileName}' is not embedded (resource {resource})");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "Catalogues/" + fileName);
    }

    /// <summary>A catalogue skill with its weight per task kind.</summary>
    internal sealed record CatalogueEntry(SkillDescriptor Skill, IReadOnlyDictionary<TaskKind, double> Weights);
}
