using System.Globalization;
using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Data.BuiltIn;

/// <summary>
/// Navigation as in BIG-Bench Hard: "If you follow these instructions, do you return to the starting point?" with
/// either fixed-facing moves (<c>Always face forward. Take 3 steps left. …</c>) or turns and steps (<c>Take 2 steps.
/// Turn around. …</c>). Level 1: three or four instructions; level 2: five to seven; level 3: eight to eleven. Labels
/// are balanced: a "Yes" path is built to close, a "No" path is checked not to.
/// </summary>
internal sealed class NavigateTask : BuiltInTask
{
    public const string PositionTracking = "position_tracking";
    public const string DirectionTracking = "direction_tracking";
    public const string NetDisplacement = "net_displacement";

    private const string Question = "If you follow these instructions, do you return to the starting point?";
    private static readonly string[] Labels = ["Yes", "No"];

    // Headings: 0 = forward (north), 1 = right (east), 2 = backward (south), 3 = left (west).
    private static readonly (int Dx, int Dy)[] Unit = [(0, 1), (1, 0), (0, -1), (-1, 0)];
    private static readonly string[] FixedNames = ["forward", "right", "backward", "left"];

    public override string Name => "navigate";

    public override string Description => "Decide whether a list of moves and turns returns to the start (BIG-Bench Hard style).";

    public override string DefaultInstruction => "Decide whether following the instructions brings you back to the starting point.";

    public override string AnswerFormat => "Answer with only Yes or No inside <answer></answer> tags.";

    public override IMetric Metric => ChoiceMetric.Instance;

    public override IReadOnlyList<TaskSkill> Skills { get; } =
    [
        new(
            PositionTracking,
            [
                "Track your position on a grid.",
                "Keep x and y coordinates for your position.",
                "Update your coordinates after every move.",
                "Keep a running position as x and y coordinates, starting at the origin, and update it after each instruction.",
            ],
            [
                "Track your x and y position after every move.",
                "Keep your coordinates on the grid up to date after each step.",
                "Track your position as coordinates, starting from the origin.",
            ],
            0.6),
        new(
            DirectionTracking,
            [
                "Keep track of the direction you are facing.",
                "Update your orientation after every turn.",
                "A turn changes the direction of the following steps.",
                "Remember which way you face: turning left or right or around changes the direction of the steps that follow.",
            ],
            [
                "Keep track of which direction you face after each turn.",
                "Update the direction you are facing whenever you turn.",
                "Remember your orientation, since turns change the direction of later steps.",
            ],
            0.5),
        new(
            NetDisplacement,
            [
                "Add up the steps in each direction.",
                "Opposite moves cancel each other.",
                "Compute the net displacement.",
                "Sum the steps along each axis; you are back at the start only if both totals are zero.",
            ],
            [
                "Add up the steps along each direction and check whether the totals are zero.",
                "Let opposite moves cancel and compute the net displacement.",
                "Sum the steps in each direction to get the net displacement.",
            ],
            0.4),
    ];

    public override IReadOnlyList<TaskMisconception> Misconceptions { get; } =
    [
        new(
            "turns_change_nothing",
            DirectionTracking,
            [
                "Every step moves you forward in the direction you started with.",
                "Treat all steps as going in the original direction, whatever the turns.",
                "Turns only change which way you look, so steps keep going the way you first faced.",
            ],
            [
                "Treat every step as going in your starting direction.",
                "Every step goes forward in the original direction, regardless of turns.",
            ]),
    ];

    public override GeneratedExample Generate(Random rng)
    {
        int level = DrawLevel(rng);
        int count = level switch { 1 => rng.Next(3, 5), 2 => rng.Next(5, 8), _ => rng.Next(8, 12) };
        bool closes = rng.Next(2) == 0;
        bool turns = rng.Next(2) == 0;
        var instructions = turns ? TurningPath(rng, count, closes) : FixedPath(rng, count, closes);
        var text = string.Join(" ", instructions);
        var input = $"{Question} {(turns ? string.Empty : "Always face forward. ")}{text}\nOptions:\n- Yes\n- No";

        var skills = new List<string> { PositionTracking };
        if (instructions.Any(i => i.StartsWith("Turn", StringComparison.Ordinal)))
        {
            skills.Add(DirectionTracking);
        }

        if (instructions.Count >= 6)
        {
            skills.Add(NetDisplacement);
        }

        return new GeneratedExample(input, closes ? "Yes" : "No", Labels, level, skills);
    }

    /// <summary>"Take N steps left." moves with a fixed facing; order does not matter, so a closing path is shuffled.</summary>
    private static List<string> FixedPath(Random rng, int count, bool closes)
    {
        var moves = new List<(int Dir, int Steps)>();
        int random = closes ? Math.Max(1, count - 2) : count;
        for (int i = 0; i < random; i++)
        {
            moves.Add((rng.Next(4), rng.Next(1, 11)));
        }

        var (x, y) = Position(moves);
        if (closes)
        {
            AddSteps(moves, y > 0 ? 2 : 0, Math.Abs(y));
            AddSteps(moves, x > 0 ? 3 : 1, Math.Abs(x));
            Shuffle(rng, moves);
        }
        else if ((x, y) == (0, 0))
        {
            moves.Add((rng.Next(4), rng.Next(1, 11)));
        }

        return moves.Select(m => $"Take {Steps(m.Steps)} {FixedNames[m.Dir]}.").ToList();
    }

    /// <summary>"Take N steps." and "Turn left/right/around." relative to the current heading.</summary>
    private static List<string> TurningPath(Random rng, int count, bool closes)
    {
        var lines = new List<string>();
        int heading = 0, x = 0, y = 0;
        int random = closes ? Math.Max(2, count - 3) : count;
        for (int i = 0; i < random; i++)
        {
            if (i > 0 && rng.NextDouble() < 0.35)
            {
                int turn = rng.Next(1, 4);
                lines.Add(TurnText(turn));
                heading = (heading + turn) % 4;
            }
            else
            {
                int n = rng.Next(1, 11);
                lines.Add($"Take {Steps(n)}.");
                x += Unit[heading].Dx * n;
                y += Unit[heading].Dy * n;
            }
        }

        if (closes)
        {
            foreach (var (distance, direction) in new[] { (Math.Abs(y), y > 0 ? 2 : 0), (Math.Abs(x), x > 0 ? 3 : 1) })
            {
                if (distance == 0)
                {
                    continue;
                }

                int turn = (direction - heading + 4) % 4;
                if (turn != 0)
                {
                    lines.Add(TurnText(turn));
                    heading = direction;
                }

                for (int left = distance; left > 0; left -= 10)
                {
                    lines.Add($"Take {Steps(Math.Min(10, left))}.");
                }
            }
        }
        else if ((x, y) == (0, 0))
        {
            lines.Add($"Take {Steps(rng.Next(1, 11))}.");
        }

        return lines;
    }

    private static (int X, int Y) Position(IEnumerable<(int Dir, int Steps)> moves) =>
        (moves.Sum(m => Unit[m.Dir].Dx * m.Steps), moves.Sum(m => Unit[m.Dir].Dy * m.Steps));

    private static void AddSteps(List<(int Dir, int Steps)> moves, int dir, int distance)
    {
        for (int left = distance; left > 0; left -= 10)
        {
            moves.Add((dir, Math.Min(10, left)));
        }
    }

    private static string TurnText(int turn) => turn switch
    {
        1 => "Turn right.",
        2 => "Turn around.",
        _ => "Turn left.",
    };

    private static string Steps(int n) => n == 1 ? "1 step" : n.ToString(CultureInfo.InvariantCulture) + " steps";
}
