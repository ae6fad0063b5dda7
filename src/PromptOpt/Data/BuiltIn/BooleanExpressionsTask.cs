using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Data.BuiltIn;

/// <summary>
/// Boolean expressions as in BIG-Bench Hard, e.g. <c>not ( True ) and ( False or True ) is</c>: the constants True and
/// False with <c>not</c>, <c>and</c>, <c>or</c> (precedence not &gt; and &gt; or) and parentheses, some of them redundant.
/// Level 1: two or three constants; level 2: four; level 3: five or six with double negations. Labels are balanced.
/// </summary>
internal sealed class BooleanExpressionsTask : BuiltInTask
{
    public const string OperatorPrecedence = "operator_precedence";
    public const string InnermostFirst = "innermost_first";
    public const string DoubleNegation = "double_negation";

    private static readonly string[] Labels = ["True", "False"];

    public override string Name => "boolean_expressions";

    public override string Description => "Evaluate Boolean expressions with not/and/or and parentheses (BIG-Bench Hard style).";

    public override string DefaultInstruction => "Evaluate the Boolean expression and say whether it is True or False.";

    public override string AnswerFormat => "Answer with only True or False inside <answer></answer> tags.";

    public override IMetric Metric => ChoiceMetric.Instance;

    public override double BaseLogit => 0.3;

    public override IReadOnlyList<TaskSkill> Skills { get; } =
    [
        new(
            OperatorPrecedence,
            [
                "Apply not before and, and and before or.",
                "Respect Boolean operator precedence.",
                "Negation binds tightest, then and, then or.",
                "Evaluate not first, then and, then or, following the precedence of Boolean operators.",
            ],
            [
                "Resolve each not before combining with and, and combine with and before or.",
                "Give not the highest priority, and the next, or the lowest.",
                "Handle the operators by precedence: not, then and, then or.",
            ],
            0.6),
        new(
            InnermostFirst,
            [
                "Evaluate the innermost parentheses first.",
                "Work from the inside out.",
                "Simplify each parenthesised part before the expression around it.",
                "Start with the deepest parentheses, replace them by their truth value, and continue outwards.",
            ],
            [
                "Reduce the most deeply nested brackets to True or False before anything else.",
                "Collapse each inner bracket to its value, then move outward.",
                "Begin at the deepest nesting level and resolve outward.",
            ],
            0.5),
        new(
            DoubleNegation,
            [
                "Two nots cancel each other.",
                "A double negation gives back the original value.",
                "not not X is the same as X.",
                "When not is applied twice in a row, the two negations cancel and the value stays the same.",
            ],
            [
                "A pair of consecutive nots leaves the value unchanged.",
                "Negating twice returns the value you started with.",
                "Drop any two nots that follow each other, as they cancel.",
            ],
            0.3),
    ];

    public override IReadOnlyList<TaskMisconception> Misconceptions { get; } =
    [
        new(
            "flat_left_to_right",
            OperatorPrecedence,
            [
                "Apply and, or and not strictly from left to right, all with equal priority.",
                "Treat every Boolean operator as having the same precedence.",
                "Combine the values in reading order, one operator after another.",
            ],
            [
                "Give and, or and not the same priority and apply them left to right.",
                "Combine truth values in the order the operators are written.",
            ]),
    ];

    public override GeneratedExample Generate(Random rng)
    {
        int level = DrawLevel(rng);
        bool wanted = rng.Next(2) == 0;
        Node node;
        int tries = 0;
        do
        {
            int operands = level switch { 1 => rng.Next(2, 4), 2 => 4, _ => rng.Next(5, 7) };
            node = Build(rng, operands, level);
        }
        while (node.Value != wanted && ++tries < 20);

        var text = Render(rng, node, 0, level);
        var skills = new List<string>();
        if ((text.Contains(" and ", StringComparison.Ordinal) && text.Contains(" or ", StringComparison.Ordinal))
            || HasBareNotBeforeBinary(text))
        {
            skills.Add(OperatorPrecedence);
        }

        if (Depth(text) >= 2)
        {
            skills.Add(InnermostFirst);
        }

        if (text.Contains("not not", StringComparison.Ordinal))
        {
            skills.Add(DoubleNegation);
        }

        return new GeneratedExample(text + " is", node.Value ? "True" : "False", Labels, level, skills);
    }

    private static Node Build(Random rng, int operands, int level)
    {
        Node node;
        if (operands == 1)
        {
            node = new Node(NodeKind.Constant, rng.Next(2) == 0, null, null);
        }
        else
        {
            int left = rng.Next(1, operands);
            var kind = rng.Next(2) == 0 ? NodeKind.And : NodeKind.Or;
            var l = Build(rng, left, level);
            var r = Build(rng, operands - left, level);
            node = new Node(kind, kind == NodeKind.And ? l.Value && r.Value : l.Value || r.Value, l, r);
        }

        // Negations: rarer on big subtrees; level 3 may negate twice.
        double p = operands == 1 ? 0.3 : 0.2;
        int nots = rng.NextDouble() < p ? (level == 3 && rng.Next(3) == 0 ? 2 : 1) : 0;
        for (int i = 0; i < nots; i++)
        {
            node = new Node(NodeKind.Not, !node.Value, node, null);
        }

        return node;
    }

    /// <summary>Renders with the parentheses precedence requires, plus some redundant ones.</summary>
    private static string Render(Random rng, Node node, int minPrecedence, int level)
    {
        string text = node.Kind switch
        {
            NodeKind.Constant => node.Value ? "True" : "False",
            NodeKind.Not => "not " + Render(rng, node.Left!, Precedence(NodeKind.Not), level),
            NodeKind.And => Render(rng, node.Left!, Precedence(NodeKind.And), level) + " and " + Render(rng, node.Right!, Precedence(NodeKind.And), level),
            _ => Render(rng, node.Left!, Precedence(NodeKind.Or), level) + " or " + Render(rng, node.Right!, Precedence(NodeKind.Or), level),
        };
        bool needed = Precedence(node.Kind) < minPrecedence;
        bool redundant = !needed && minPrecedence > 0 && rng.NextDouble() < 0.1 * level;
        return needed || redundant ? "( " + text + " )" : text;
    }

    private static int Precedence(NodeKind kind) => kind switch
    {
        NodeKind.Or => 1,
        NodeKind.And => 2,
        NodeKind.Not => 3,
        _ => 4,
    };

    private static bool HasBareNotBeforeBinary(string text) =>
        (text.Contains("not True", StringComparison.Ordinal) || text.Contains("not False", StringComparison.Ordinal))
        && (text.Contains(" and ", StringComparison.Ordinal) || text.Contains(" or ", StringComparison.Ordinal));

    private static int Depth(string text)
    {
        int depth = 0, max = 0;
        foreach (var c in text)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            max = Math.Max(max, depth);
        }

        return max;
    }

    private enum NodeKind
    {
        Constant,
        Not,
        And,
        Or,
    }

    private sealed record Node(NodeKind Kind, bool Value, Node? Left, Node? Right);
}
