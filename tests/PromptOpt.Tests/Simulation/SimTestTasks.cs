using System.Globalization;
using System.Text.RegularExpressions;
using PromptOpt.Data;
using PromptOpt.Evaluation;

namespace PromptOpt.Tests.Simulation;

/// <summary>Small inline tasks for simulator tests (no dependency on the shared datasets).</summary>
internal static partial class SimTestTasks
{
    public const string SkilledArithmeticInstruction =
        "Compute the value of the expression. Multiply before you add. Keep track of minus signs and negative numbers. " +
        "Carry the tens to the next column when a sum of digits exceeds nine. Answer with only the final answer, inside <answer></answer> tags.";

    /// <summary>An arithmetic task with three declared skills and <paramref name="count"/> examples (all in the test split but the first 100).</summary>
    public static TaskDefinition Arithmetic(int count = 400, string name = "sim_arith")
    {
        var rng = new Random(12345);
        var examples = new List<Example>();
        for (int i = 0; i < count; i++)
        {
            int a = rng.Next(-20, 50), b = rng.Next(1, 20), c = rng.Next(1, 9);
            var input = $"Case {i}: what is {a} + {b} * {c}?";
            examples.Add(new Example($"{name}-{i:D4}", input, (a + (b * c)).ToString(CultureInfo.InvariantCulture)));
        }

        var dataset = new Dataset(name, examples.Take(100).ToList(), [], examples.Skip(100).ToList());
        return new TaskDefinition(name, dataset, TagOrCueMetric.Instance, "Compute the value of the expression.", "Answer inside <answer></answer> tags.",
        [
            new TaskSkill("order_of_operations", ["Follow the order of operations.", "Multiply before you add.", "Do the multiplication first, then the addition."], ["Respect operator precedence: multiplication comes first.", "Compute the product before the sum."], 0.6),
            new TaskSkill("negative_numbers", ["Be careful with negative numbers.", "Keep track of minus signs.", "Watch the sign when a number is negative."], ["Handle minus signs carefully.", "Mind negative values and their signs."], 0.4),
            new TaskSkill("carry", ["Carry the tens to the next column.", "Remember to carry when a column sum exceeds nine.", "Keep place value straight when adding."], ["Carry over into the next digit when adding.", "Track carries between columns."], 0.4),
        ]);
    }

    /// <summary>A yes/no task with declared skills (a different task, for transfer).</summary>
    public static TaskDefinition Parity(int count = 300, string name = "sim_parity")
    {
        var examples = new List<Example>();
        for (int i = 0; i < count; i++)
        {
            int n = 1000 + (i * 37 % 9000);
            examples.Add(new Example($"{name}-{i:D4}", $"Item {i}. Is the number {n} even?", n % 2 == 0 ? "yes" : "no", ["yes", "no"]));
        }

        var dataset = new Dataset(name, examples.Take(100).ToList(), [], examples.Skip(100).ToList());
        return new TaskDefinition(name, dataset, TagOrCueMetric.Instance, "Say whether the number is even.", "Answer yes or no.",
        [
            new TaskSkill("last_digit", ["Look at the last digit.", "Check the units digit of the number.", "Only the final digit decides whether a number is even."], ["Inspect the final digit of the number.", "Read the ones digit."], 0.6),
            new TaskSkill("divisibility", ["Check whether the number is divisible by two.", "An even number divides by two with no remainder.", "Test divisibility by two."], ["See whether two divides the number exactly.", "Divide by two and check for a remainder."], 0.5),
        ]);
    }

    /// <summary>A task without declared skills and without a knowledge file (no task skills at all).</summary>
    public static TaskDefinition Undeclared(string name = "sim_words")
    {
        string[] animals = ["tiger", "eagle", "salmon", "beetle", "otter", "falcon"];
        string[] places = ["forest", "river", "desert", "mountain", "meadow", "valley"];
        var examples = new List<Example>();
        for (int i = 0; i < 120; i++)
        {
            var input = $"The {animals[i % animals.Length]} lives near the {places[i % places.Length]} (record {i}).";
            examples.Add(new Example($"{name}-{i}", input, animals[i % animals.Length]));
        }

        var dataset = new Dataset(name, examples.Take(80).ToList(), [], examples.Skip(80).ToList());
        return new TaskDefinition(name, dataset, TagOrCueMetric.Instance, "Name the animal in the sentence.", "Answer with the animal.");
    }

    /// <summary>
    /// A minimal metric for tests: the last &lt;answer&gt; block, else the text after "answer is", else the whole reply when it
    /// is at most three words; case-insensitive exact match.
    /// </summary>
    internal sealed partial class TagOrCueMetric : IMetric
    {
        public static TagOrCueMetric Instance { get; } = new();

        public string Name => "tag_or_cue";

        public MetricResult Score(string response, Example example)
        {
            var prediction = Extract(response);
            bool ok = prediction is not null && string.Equals(prediction, example.Target, StringComparison.OrdinalIgnoreCase);
            return new MetricResult(ok ? 1 : 0, prediction, ok ? "correct" : $"expected {example.Target}");
        }

        public static string? Extract(string response)
        {
            var tags = AnswerTag().Matches(response);
            if (tags.Count > 0)
            {
                return tags[^1].Groups[1].Value.Trim();
            }

            var cue = Cue().Match(response);
            if (cue.Success)
            {
                return cue.Groups[1].Value.Trim();
            }

            var t = response.Trim();
            return t.Length > 0 && t.Split(' ').Length <= 3 ? t : null;
        }

        [GeneratedRegex(@"<answer>(.*?)</answer>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
        private static partial Regex AnswerTag();

        [GeneratedRegex(@"answer is\s+(.+?)\.?\s*$", RegexOptions.IgnoreCase)]
        private static partial Regex Cue();
    }
}
