using System.Globalization;
using System.Text;
using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Data.BuiltIn;

/// <summary>
/// Multi-step arithmetic as in BIG-Bench Hard: integer expressions of parenthesised groups with +, − and ×, operands
/// −9…9, e.g. <c>((-3 + 7 * 2) - (5 - -4)) =</c>. Level 1: two groups of two operands; level 2: two groups of two or
/// three; level 3: three groups of three or four, nested. The target is the integer value.
/// </summary>
internal sealed class MultistepArithmeticTask : BuiltInTask
{
    public const string OrderOfOperations = "order_of_operations";
    public const string NegativeNumbers = "negative_numbers";
    public const string IntermediateResults = "intermediate_results";

    private static readonly char[] Operators = ['+', '-', '*'];

    public override string Name => "multistep_arithmetic";

    public override string Description => "Evaluate nested integer expressions with +, - and * (BIG-Bench Hard style).";

    public override string DefaultInstruction => "Evaluate the arithmetic expression.";

    public override string AnswerFormat => "Answer with only the final integer inside <answer></answer> tags.";

    public override IMetric Metric => NumericMetric.Instance;

    public override double BaseLogit => -0.3;

    public override IReadOnlyList<TaskSkill> Skills { get; } =
    [
        new(
            OrderOfOperations,
            [
                "Follow the order of operations.",
                "Multiply before you add or subtract.",
                "Evaluate what is inside parentheses first.",
                "Apply operator precedence: multiplication comes before addition and subtraction.",
                "Compute multiplications before additions and subtractions, and evaluate each parenthesised group before combining the groups.",
            ],
            [
                "Respect the order of operations: multiplication before addition and subtraction.",
                "Do the multiplications first, then the additions and subtractions.",
                "Evaluate the parentheses first and multiply before adding.",
            ],
            0.6),
        new(
            NegativeNumbers,
            [
                "Be careful with negative numbers.",
                "Keep track of minus signs.",
                "Subtracting a negative number is the same as adding its absolute value.",
                "Watch the signs: a product of two negative numbers is positive, and minus a negative is plus.",
            ],
            [
                "Keep careful track of minus signs; minus a negative is a plus.",
                "Be careful with minus signs and negative values.",
                "Pay attention to negative numbers and their minus signs.",
            ],
            0.5),
        new(
            IntermediateResults,
            [
                "Write down each intermediate result.",
                "Perform one operation at a time.",
                "Record the value of each group before combining the groups.",
                "Evaluate the expression one operation at a time and note every partial result before moving on.",
            ],
            [
                "Write down every intermediate result.",
                "Do one operation at a time and record each partial result.",
                "Note down the value of each group before combining them.",
            ],
            0.4),
    ];

    public override IReadOnlyList<TaskMisconception> Misconceptions { get; } =
    [
        new(
            "left_to_right",
            OrderOfOperations,
            [
                "Evaluate the expression strictly from left to right.",
                "Apply each operator in the order it appears, from left to right.",
                "Work left to right through the expression, applying every operator as soon as you reach it.",
            ],
            [
                "Evaluate from left to right, applying each operator in order.",
                "Apply the operators strictly left to right.",
            ]),
    ];

    public override GeneratedExample Generate(Random rng)
    {
        int level = DrawLevel(rng);
        int groups = level == 3 ? 3 : 2;
        var texts = new List<string>();
        var values = new List<long>();
        bool mixed = false, negative = false;
        for (int g = 0; g < groups; g++)
        {
            int operands = level switch { 1 => 2, 2 => rng.Next(2, 4), _ => rng.Next(3, 5) };
            var (text, value, hasMixed, hasNegative) = Group(rng, operands);
            texts.Add(text);
            values.Add(value);
            mixed |= hasMixed;
            negative |= hasNegative || value < 0;
        }

        char op1 = Pick(rng, Operators);
        long v = Apply(values[0], op1, values[1]);
        string expr = $"({texts[0]} {op1} {texts[1]})";
        if (groups == 3)
        {
            negative |= v < 0;
            char op2 = Pick(rng, Operators);
            if (rng.Next(2) == 0)
            {
                expr = $"({expr} {op2} {texts[2]})";
                v = Apply(v, op2, values[2]);
            }
            else
            {
                // The third group goes first: (G3 op2 (G1 op1 G2)).
                expr = $"({texts[2]} {op2} {expr})";
                v = Apply(values[2], op2, v);
            }
        }

        negative |= v < 0;
        var skills = new List<string>();
        if (mixed)
        {
            skills.Add(OrderOfOperations);
        }

        if (negative)
        {
            skills.Add(NegativeNumbers);
        }

        if (level == 3)
        {
            skills.Add(IntermediateResults);
        }

        return new GeneratedExample(expr + " =", v.ToString(CultureInfo.InvariantCulture), null, level, skills);
    }

    /// <summary>A flat chain "a op b op c" evaluated with × before + and −.</summary>
    private static (string Text, long Value, bool Mixed, bool Negative) Group(Random rng, int operands)
    {
        var numbers = new List<long>();
        var ops = new List<char>();
        var sb = new StringBuilder("(");
        bool negative = false;
        for (int i = 0; i < operands; i++)
        {
            long n = rng.Next(-9, 10);
            negative |= n < 0;
            numbers.Add(n);
            if (i > 0)
            {
                var op = Pick(rng, Operators);
                ops.Add(op);
                sb.Append(' ').Append(op).Append(' ');
            }

            sb.Append(n.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append(')');
        bool mixed = ops.Contains('*') && ops.Any(o => o != '*');

        // Multiplications first (left to right), then additions and subtractions (left to right).
        var terms = new List<long> { numbers[0] };
        var addOps = new List<char>();
        for (int i = 0; i < ops.Count; i++)
        {
            if (ops[i] == '*')
            {
                terms[^1] *= numbers[i + 1];
            }
            else
            {
                addOps.Add(ops[i]);
                terms.Add(numbers[i + 1]);
            }
        }

        long value = terms[0];
        for (int i = 0; i < addOps.Count; i++)
        {
            value = Apply(value, addOps[i], terms[i + 1]);
        }

        return (sb.ToString(), value, mixed, negative || terms.Any(t => t < 0));
    }

    private static long Apply(long a, char op, long b) => op switch
    {
        '+' => a + b,
        '-' => a - b,
        _ => a * b,
    };
}
