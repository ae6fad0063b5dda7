using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Data.BuiltIn;

/// <summary>
/// Word sorting as in BIG-Bench Hard: "Sort the following words alphabetically: List: oven costume counterpart" with
/// the target the words in alphabetical (ordinal, all lower-case) order separated by single spaces. Level 1: three to
/// five words; level 2: six to nine; level 3: ten to fourteen, several sharing their first letters.
/// </summary>
internal sealed class WordSortingTask : BuiltInTask
{
    public const string AlphabeticalOrder = "alphabetical_order";
    public const string LetterByLetter = "letter_by_letter";
    public const string KeepEveryWord = "keep_every_word";

    /// <summary>The vocabulary (lower-case, distinct).</summary>
    internal static readonly string[] Vocabulary =
    [
        "abacus", "absent", "acorn", "admiral", "afford", "almond", "anchor", "anvil", "apricot", "arcade", "aspen", "atlas",
        "badger", "bakery", "ballot", "bamboo", "banner", "barrel", "beacon", "bishop", "blanket", "bramble", "bridge", "bucket",
        "cabin", "cactus", "camera", "canal", "candle", "carbon", "castle", "cellar", "chapel", "cobalt", "copper", "cotton",
        "dagger", "dancer", "debate", "delta", "desert", "dinner", "dolphin", "domain", "donkey", "dragon", "drizzle", "dune",
        "eagle", "echo", "eclipse", "elbow", "ember", "empire", "engine", "envoy", "epoch", "essay", "ether", "excerpt",
        "fabric", "falcon", "fathom", "feather", "ferry", "fiddle", "filter", "flannel", "forest", "fossil", "fringe", "furnace",
        "galaxy", "garden", "garlic", "gazette", "gentle", "glacier", "goblet", "gravel", "griffin", "guitar", "gully", "gypsum",
        "hamlet", "harbor", "harvest", "hazel", "helmet", "hermit", "hollow", "horizon", "hunter", "hydrant", "icicle", "igloo",
        "jacket", "jasmine", "jester", "jigsaw", "journal", "jungle", "kernel", "kettle", "kidney", "kingdom", "kitten", "knuckle",
        "ladder", "lantern", "lattice", "ledger", "lemon", "lentil", "lilac", "linen", "lobster", "locket", "lumber", "lyric",
        "magnet", "mallet", "mango", "marble", "meadow", "mellow", "mirror", "monsoon", "mortar", "muffin", "mural", "mustard",
        "napkin", "nectar", "needle", "nickel", "nimble", "noodle", "nugget", "oyster", "oatmeal", "object", "ocean", "olive",
        "paddle", "palace", "parcel", "pebble", "pepper", "pickle", "pigeon", "pillow", "plaster", "pocket", "pollen", "puzzle",
        "quarry", "quiver", "rabbit", "radish", "raisin", "ribbon", "riddle", "rocket", "rubble", "saddle", "salmon", "sandal",
        "scarlet", "shadow", "silver", "socket", "spindle", "summit", "tablet", "tangent", "thimble", "timber", "tunnel", "umbrella",
        "velvet", "violin", "walnut", "whistle", "willow", "window", "yonder", "zephyr", "zigzag",
    ];

    public override string Name => "word_sorting";

    public override string Description => "Sort a list of words alphabetically (BIG-Bench Hard style).";

    public override string DefaultInstruction => "Sort the words alphabetically.";

    public override string AnswerFormat => "Answer with only the sorted words, separated by single spaces, inside <answer></answer> tags.";

    public override IMetric Metric => ExactMatchMetric.Instance;

    public override IReadOnlyList<TaskSkill> Skills { get; } =
    [
        new(
            AlphabeticalOrder,
            [
                "Sort the words in alphabetical order.",
                "Put the words in dictionary order.",
                "Order the words from A to Z.",
                "Arrange the words alphabetically, as they would appear in a dictionary.",
            ],
            [
                "List the words the way a dictionary would order them.",
                "Arrange the words from a to z.",
                "Place the words in lexicographic order.",
            ],
            0.6),
        new(
            LetterByLetter,
            [
                "Compare words letter by letter.",
                "When the first letters match, compare the next letter.",
                "A shorter word that is a prefix of a longer one comes first.",
                "Compare two words letter by letter, moving to the next letter whenever the letters so far are the same.",
            ],
            [
                "Break ties between words by looking at their following letters.",
                "Go on to the second or third letter when the first ones agree.",
                "Compare character by character until two words differ.",
            ],
            0.5),
        new(
            KeepEveryWord,
            [
                "Keep every word in the output.",
                "Include each word exactly once.",
                "Make sure no word is missing or repeated.",
                "The sorted list must contain every input word exactly once, with nothing added or dropped.",
            ],
            [
                "Carry each input word into the answer once.",
                "Check that the answer has as many words as the input.",
                "Reproduce the full set of words, each a single time.",
            ],
            0.3),
    ];

    public override IReadOnlyList<TaskMisconception> Misconceptions { get; } =
    [
        new(
            "sort_by_length",
            AlphabeticalOrder,
            [
                "Sort the words by their length.",
                "Order the words from shortest to longest.",
                "Arrange the words by how many letters they have.",
            ],
            [
                "Put shorter words before longer ones.",
                "Order the list by word length.",
            ]),
    ];

    public override GeneratedExample Generate(Random rng)
    {
        int level = DrawLevel(rng);
        int count = level switch { 1 => rng.Next(3, 6), 2 => rng.Next(6, 10), _ => rng.Next(10, 15) };
        var words = new List<string>();
        if (level == 3)
        {
            // Several words that share a first letter, so the order is decided by later letters.
            var letter = Pick(rng, Vocabulary)[0];
            words.AddRange(Vocabulary.Where(w => w[0] == letter).OrderBy(_ => rng.Next()).Take(rng.Next(3, 6)));
        }

        while (words.Count < count)
        {
            var w = Pick(rng, Vocabulary);
            if (!words.Contains(w, StringComparer.Ordinal))
            {
                words.Add(w);
            }
        }

        Shuffle(rng, words);
        var sorted = words.Order(StringComparer.Ordinal).ToList();

        var skills = new List<string> { AlphabeticalOrder };
        if (words.GroupBy(w => w[0]).Any(g => g.Count() > 1))
        {
            skills.Add(LetterByLetter);
        }

        if (count >= 8)
        {
            skills.Add(KeepEveryWord);
        }

        return new GeneratedExample(
            $"Sort the following words alphabetically: List: {string.Join(" ", words)}",
            string.Join(" ", sorted),
            null,
            level,
            skills);
    }
}
