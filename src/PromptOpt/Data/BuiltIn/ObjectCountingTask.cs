using System.Globalization;
using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Data.BuiltIn;

/// <summary>
/// Object counting as in BIG-Bench Hard, e.g. <c>I have a violin, two pianos, a cat, and a flute. How many musical
/// instruments do I have?</c>. Level 1: two to four single items of the asked category; level 2: three to five items,
/// some counted in words, one or two distractors; level 3: five to eight items with counts up to five and two to four
/// distractors. The target is the total count of the asked category.
/// </summary>
internal sealed class ObjectCountingTask : BuiltInTask
{
    public const string CountEachItem = "count_each_item";
    public const string CategoryMembership = "category_membership";
    public const string IgnoreDistractors = "ignore_distractors";

    /// <summary>The categories as the question names them, with (singular, plural) item names.</summary>
    internal static readonly IReadOnlyList<(string Category, (string One, string Many)[] Items)> Categories =
    [
        ("musical instruments", [("piano", "pianos"), ("violin", "violins"), ("flute", "flutes"), ("trumpet", "trumpets"), ("drum", "drums"),
            ("clarinet", "clarinets"), ("trombone", "trombones"), ("accordion", "accordions"), ("guitar", "guitars"), ("cello", "cellos")]),
        ("fruits", [("apple", "apples"), ("banana", "bananas"), ("peach", "peaches"), ("plum", "plums"), ("strawberry", "strawberries"),
            ("raspberry", "raspberries"), ("nectarine", "nectarines"), ("orange", "oranges"), ("blackberry", "blackberries"), ("grape", "grapes")]),
        ("vegetables", [("carrot", "carrots"), ("potato", "potatoes"), ("onion", "onions"), ("yam", "yams"), ("cabbage", "cabbages"),
            ("cauliflower", "cauliflowers"), ("stalk of celery", "stalks of celery"), ("head of broccoli", "heads of broccoli"),
            ("lettuce head", "lettuce heads"), ("garlic bulb", "garlic bulbs")]),
        ("animals", [("cat", "cats"), ("dog", "dogs"), ("rabbit", "rabbits"), ("goat", "goats"), ("cow", "cows"), ("pig", "pigs"),
            ("snake", "snakes"), ("donkey", "donkeys"), ("frog", "frogs"), ("mouse", "mice"), ("chicken", "chickens"), ("snail", "snails")]),
        ("objects", [("chair", "chairs"), ("table", "tables"), ("bed", "beds"), ("couch", "couches"), ("lamp", "lamps"), ("oven", "ovens"),
            ("microwave", "microwaves"), ("toaster", "toasters"), ("fridge", "fridges"), ("car", "cars"), ("stove", "stoves")]),
    ];

    private static readonly string[] CountWords = ["zero", "one", "two", "three", "four", "five"];

    public override string Name => "object_counting";

    public override string Description => "Count the items of one category in a list with quantities and distractors (BIG-Bench Hard style).";

    public override string DefaultInstruction => "Count how many items of the asked category I have.";

    public override string AnswerFormat => "Answer with only the number inside <answer></answer> tags.";

    public override IMetric Metric => NumericMetric.Instance;

    public override double BaseLogit => 0.2;

    public override IReadOnlyList<TaskSkill> Skills { get; } =
    [
        new(
            CountEachItem,
            [
                "Count each item with its quantity.",
                "Add up the quantities of the items.",
                "Read number words such as two or three as quantities.",
                "Take the quantity of every item into account: two pianos count as two, not as one.",
            ],
            [
                "Sum the amounts stated for each item rather than the lines.",
                "Turn number words into quantities and add them.",
                "Weight every item by how many of it there are.",
            ],
            0.6),
        new(
            CategoryMembership,
            [
                "Decide which items belong to the asked category.",
                "Check whether each item is a member of the category.",
                "Classify every item by its category before counting.",
                "For each item, decide whether it is an instance of the category in the question, such as a fruit or an instrument.",
            ],
            [
                "Sort the items into the asked category and the rest.",
                "Ask of each item whether it is one of the things the question counts.",
                "Identify which listed things are members of the requested kind.",
            ],
            0.5),
        new(
            IgnoreDistractors,
            [
                "Ignore items outside the category.",
                "Count only the items of the asked kind.",
                "Leave the irrelevant items out of the count.",
                "Skip every item that is not of the asked category, even when it is mentioned with a quantity.",
            ],
            [
                "Leave out everything that is not of the requested kind.",
                "Set aside the items that belong to other categories.",
                "Discard unrelated objects before you count.",
            ],
            0.4),
    ];

    public override IReadOnlyList<TaskMisconception> Misconceptions { get; } =
    [
        new(
            "one_per_line",
            CountEachItem,
            [
                "Count each mentioned item as one.",
                "Each item in the list counts once, whatever number precedes it.",
                "Count the number of items named, one per mention.",
            ],
            [
                "Give every mentioned object a count of one.",
                "Tally one for each thing named in the list.",
            ]),
    ];

    public override GeneratedExample Generate(Random rng)
    {
        int level = DrawLevel(rng);
        int c = rng.Next(Categories.Count);
        var (category, pool) = Categories[c];
        bool objects = category == "objects"; // as in BBH, "objects" questions list only objects
        int targets = level switch { 1 => rng.Next(2, 5), 2 => rng.Next(3, 6), _ => rng.Next(5, 9) };
        int distractors = objects ? 0 : level switch { 1 => 0, 2 => rng.Next(1, 3), _ => rng.Next(2, 5) };
        int maxCount = level switch { 1 => 1, 2 => 3, _ => 5 };

        var items = new List<(string One, string Many, int Count, string Category)>();
        foreach (var (one, many) in pool.OrderBy(_ => rng.Next()).Take(Math.Min(targets, pool.Length)))
        {
            items.Add((one, many, DrawCount(rng, maxCount), category));
        }

        var others = Categories.Where((_, i) => i != c).ToList();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < distractors; i++)
        {
            var (otherCategory, otherPool) = Pick(rng, others);
            var (one, many) = Pick(rng, otherPool);
            if (used.Add(one))
            {
                items.Add((one, many, DrawCount(rng, maxCount), otherCategory));
            }
        }

        Shuffle(rng, items);
        var phrases = items.Select(it => it.Count == 1 ? Article(it.One) + " " + it.One : CountWords[it.Count] + " " + it.Many).ToList();
        var list = phrases.Count == 2 ? $"{phrases[0]} and {phrases[1]}" : string.Join(", ", phrases.Take(phrases.Count - 1)) + ", and " + phrases[^1];
        int total = items.Where(it => it.Category == category).Sum(it => it.Count);

        int actualDistractors = items.Count(it => it.Category != category);
        var skills = new List<string>();
        if (items.Any(it => it.Count > 1))
        {
            skills.Add(CountEachItem);
        }

        if (actualDistractors > 0)
        {
            skills.Add(CategoryMembership);
        }

        if (actualDistractors > 1)
        {
            skills.Add(IgnoreDistractors);
        }

        var extra = new Dictionary<string, object>
        {
            ["category"] = category,
            ["items"] = items.Select(it => new Dictionary<string, object> { ["item"] = it.One, ["count"] = it.Count, ["category"] = it.Category }).ToList(),
        };
        return new GeneratedExample($"I have {list}. How many {category} do I have?", total.ToString(CultureInfo.InvariantCulture), null, level, skills, extra);
    }

    private static int DrawCount(Random rng, int max) => max == 1 || rng.NextDouble() < 0.5 ? 1 : rng.Next(2, max + 1);

    private static string Article(string word) => "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";
}
