using System.Globalization;

namespace PromptOpt.Decision;

/// <summary>
/// The original task descriptions D and meta-instructions I of the environments: our own paraphrases of OPRO's
/// (google-deepmind/opro, optimize_linear_regression.py / optimize_tsp.py) and Krishnamurthy et al.'s wording.
/// </summary>
/// <remarks>
/// The originals deliberately carry no agent-skill trigger phrase except the output format (see
/// <c>Simulation.AgentSkills</c>), so they are the neutral baseline a better meta-prompt can improve on.
/// </remarks>
internal static class DecisionPrompts
{
    public static string BanditDescription(IReadOnlyList<string> arms, int horizon)
    {
        var list = arms.Count == 1 ? arms[0] : string.Join(", ", arms.Take(arms.Count - 1)) + " and " + arms[^1];
        return string.Create(
            CultureInfo.InvariantCulture,
            $"You are in a room with {arms.Count} buttons, labelled {list}. Each button pays a reward of 1 or 0 when pressed; " +
            $"every button has its own fixed chance of paying 1, the chances may differ between buttons, and you do not know them. " +
            $"You have {horizon} turns. In each turn you press exactly one button and receive its reward. " +
            $"Your goal is to collect as much total reward as possible over the {horizon} turns.");
    }

    public static string BanditInstruction(string exampleArm) =>
        $"Which button do you press in the next turn? Reply with the name of one button inside <answer></answer> tags, for example <answer>{exampleArm}</answer>.";

    public const string LinearRegressionDescription =
        "Help me minimise a function of two input variables, w and b. Below are some (w, b) pairs together with the " +
        "function's value at each pair. The pairs are listed in descending order of value, so the last pair has the lowest " +
        "value; lower values are better.";

    public const string LinearRegressionInstruction =
        "Give me a new (w, b) pair that does not appear above and has a function value lower than any of the values above. " +
        "Do not write code. Your output must end with the pair in the form [w, b], where w and b are numbers.";

    public const string TspDescription =
        "You are given a list of points with integer coordinates below. Find a trace: a closed route that starts at point 0, " +
        "visits every point exactly once and returns to the start, with the smallest total Euclidean length. After the points " +
        "come some previous traces with their lengths, listed in descending order of length; shorter traces are better.";

    public const string TspInstruction =
        "Give me a new trace that does not appear above and is shorter than every trace above. The trace must visit every " +
        "point exactly once. Write it as comma-separated point indices between <trace> and </trace>, for example <trace>0,2,1,3</trace>.";
}
