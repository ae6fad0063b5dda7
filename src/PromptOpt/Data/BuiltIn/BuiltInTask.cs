using System.Globalization;
using System.Text.Json;
using PromptOpt.Evaluation;

namespace PromptOpt.Data.BuiltIn;

/// <summary>One generated example before it gets its id: input, verifiable target, choices and facts for <c>meta</c>.</summary>
/// <param name="Input">The text shown to the model.</param>
/// <param name="Target">The gold answer.</param>
/// <param name="Choices">The label set or option letters, or <see langword="null"/>.</param>
/// <param name="Level">The difficulty level, 1 (easy) to 3 (hard).</param>
/// <param name="Skills">The task skills the example genuinely exercises (names of <see cref="BuiltInTask.Skills"/>).</param>
/// <param name="Extra">Further facts for <c>meta</c> (serialized to JSON), or <see langword="null"/>.</param>
internal sealed record GeneratedExample(
    string Input,
    string Target,
    IReadOnlyList<string>? Choices,
    int Level,
    IReadOnlyList<string> Skills,
    IReadOnlyDictionary<string, object>? Extra = null);

/// <summary>
/// A procedural task modelled on a BIG-Bench Hard algorithmic task: examples are generated from a seed, each with an
/// answer the generator computes (so it can be verified), and the task declares its metric, answer-format line,
/// one-line instruction and skill knowledge (SIMULATOR.md v2, "Task knowledge").
/// </summary>
internal abstract class BuiltInTask
{
    /// <summary>The meta key of the difficulty level (1–3).</summary>
    public const string LevelKey = "level";

    /// <summary>The meta key of the names of the task skills the example exercises.</summary>
    public const string SkillsKey = "skills";

    /// <summary>How often a generator may retry to avoid an input already generated (in any split).</summary>
    private const int MaxAttempts = 64;

    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract string DefaultInstruction { get; }

    public abstract string AnswerFormat { get; }

    public abstract IMetric Metric { get; }

    public abstract IReadOnlyList<TaskSkill> Skills { get; }

    /// <summary>Gets the wrong procedures for the task's skills (SIMULATOR.md v2, "misconceptions").</summary>
    public abstract IReadOnlyList<TaskMisconception> Misconceptions { get; }

    public virtual double BaseLogit => 0;

    /// <summary>Generates one example from <paramref name="rng"/> (the only source of randomness).</summary>
    public abstract GeneratedExample Generate(Random rng);

    /// <summary>
    /// Builds the task. Example <c>i</c> of a split is drawn from a random source seeded by a hash of (task, seed, split,
    /// i, attempt), so it does not depend on the other split's size; an input already generated is redrawn (next
    /// attempt), so no test input occurs in train. Ids are <c>&lt;task&gt;-&lt;split&gt;-&lt;i:0000&gt;</c>.
    /// </summary>
    public TaskDefinition Create(int seed, int trainSize, int testSize)
    {
        var inputs = new HashSet<string>(StringComparer.Ordinal);
        var train = GenerateSplit("train", seed, trainSize, inputs);
        var test = GenerateSplit("test", seed, testSize, inputs);
        var dataset = new Dataset(Name, train, [], test);
        return new TaskDefinition(Name, dataset, Metric, DefaultInstruction, AnswerFormat, Skills)
        {
            BaseLogit = BaseLogit,
            Description = Description,
            Misconceptions = Misconceptions,
            Kind = "reasoning",
        };
    }

    private List<Example> GenerateSplit(string split, int seed, int size, HashSet<string> inputs)
    {
        var examples = new List<Example>(size);
        for (int i = 0; i < size; i++)
        {
            GeneratedExample g;
            int attempt = 0;
            do
            {
                g = Generate(StableHash.Rng("builtin-task", Name, seed, split, i, attempt));
                attempt++;
            }
            while (!inputs.Add(g.Input) && attempt < MaxAttempts);

            var meta = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            {
                [LevelKey] = JsonSerializer.SerializeToElement(g.Level),
                [SkillsKey] = JsonSerializer.SerializeToElement(g.Skills),
            };
            foreach (var (key, value) in g.Extra ?? new Dictionary<string, object>())
            {
                meta[key] = JsonSerializer.SerializeToElement(value);
            }

            var id = string.Create(CultureInfo.InvariantCulture, $"{Name}-{split}-{i:D4}");
            examples.Add(new Example(id, g.Input, g.Target, g.Choices, meta));
        }

        return examples;
    }

    /// <summary>Picks one element uniformly.</summary>
    protected static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>Shuffles in place (Fisher–Yates).</summary>
    protected static void Shuffle<T>(Random rng, IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Draws the difficulty level 1–3 uniformly.</summary>
    protected static int DrawLevel(Random rng) => rng.Next(1, 4);
}
