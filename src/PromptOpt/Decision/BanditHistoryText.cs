using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PromptOpt.Decision;

/// <summary>What an agent reads from a bandit's rendered history (<see cref="BanditHistoryText.Read"/>).</summary>
/// <param name="Rendering">How the history was rendered (raw turns or a per-button summary).</param>
/// <param name="Counts">How often each button was pressed, in the order of the arm names given to the reader.</param>
/// <param name="Successes">How often each button paid 1 (raw: counted; summary: the average × the count, rounded).</param>
/// <param name="Averages">The average reward of each button as shown (summary: the printed two-decimal value; raw: successes / count); <see cref="double.NaN"/> for a button never pressed.</param>
/// <param name="Turns">The number of turns the history covers.</param>
/// <param name="Rest">The text with the history block removed (the instructions around it).</param>
public sealed record BanditHistoryReading(
    BanditHistoryRendering Rendering, IReadOnlyList<int> Counts, IReadOnlyList<int> Successes, IReadOnlyList<double> Averages, int Turns, string Rest);

/// <summary>
/// The text form of a bandit's history, both ways: <see cref="Render"/> writes the exemplars block of
/// <see cref="BanditEnvironment"/> and <see cref="Read"/> reads it back from a whole meta-prompt, as an agent reading the
/// prompt would (the simulated agent of SIMULATOR.md "Agent role" does, so what it knows is what the text shows).
/// </summary>
public static partial class BanditHistoryText
{
    /// <summary>The line shown before the first turn.</summary>
    public const string Empty = "No button has been pressed yet.";

    /// <summary>Renders the history block.</summary>
    /// <param name="rendering">Raw (one line per turn) or summarised (one line per button).</param>
    /// <param name="armNames">The arm names.</param>
    /// <param name="pulls">The turns shown: the step, the arm index and the reward (0 or 1).</param>
    /// <returns>The text.</returns>
    public static string Render(BanditHistoryRendering rendering, IReadOnlyList<string> armNames, IReadOnlyList<(int Step, int Arm, int Reward)> pulls)
    {
        ArgumentNullException.ThrowIfNull(armNames);
        ArgumentNullException.ThrowIfNull(pulls);
        if (pulls.Count == 0)
        {
            return Empty;
        }

        var sb = new StringBuilder();
        if (rendering == BanditHistoryRendering.Raw)
        {
            sb.Append(CultureInfo.InvariantCulture, $"History of the {pulls.Count} turns so far:");
            foreach (var (step, arm, reward) in pulls)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\nTurn {step}: pressed {armNames[arm]}, reward {reward}");
            }

            return sb.ToString();
        }

        var counts = new int[armNames.Count];
        var successes = new int[armNames.Count];
        foreach (var (_, arm, reward) in pulls)
        {
            counts[arm]++;
            successes[arm] += reward;
        }

        sb.Append(CultureInfo.InvariantCulture, $"Summary of the {pulls.Count} turns so far:");
        for (int a = 0; a < armNames.Count; a++)
        {
            var avg = counts[a] == 0 ? "n/a" : ((double)successes[a] / counts[a]).ToString("0.00", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"\n{armNames[a]} button: pressed {counts[a]} times, average reward {avg}");
        }

        return sb.ToString();
    }

    /// <summary>Reads the history block back from a text that contains it (e.g. a whole rendered meta-prompt).</summary>
    /// <param name="text">The text.</param>
    /// <param name="armNames">The arm names (case-insensitive).</param>
    /// <returns>The reading; a text with no history lines reads as an empty raw history, with <see cref="BanditHistoryReading.Rest"/> the whole text.</returns>
    public static BanditHistoryReading Read(string text, IReadOnlyList<string> armNames)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(armNames);
        int k = armNames.Count;
        var counts = new int[k];
        var successes = new int[k];
        var averages = Enumerable.Repeat(double.NaN, k).ToArray();
        bool summary = false;
        int turns = 0;
        var rest = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            Match m;
            if (trimmed == Empty)
            {
                continue;
            }

            if ((m = HeaderLine().Match(trimmed)).Success)
            {
                summary |= m.Groups[1].Value == "Summary";
                continue;
            }

            if ((m = TurnLine().Match(trimmed)).Success && Arm(m.Groups[2].Value) is int ta and >= 0)
            {
                counts[ta]++;
                successes[ta] += m.Groups[3].Value == "1" ? 1 : 0;
                turns++;
                continue;
            }

            if ((m = SummaryLine().Match(trimmed)).Success && Arm(m.Groups[1].Value) is int sa and >= 0)
            {
                summary = true;
                counts[sa] = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                if (counts[sa] > 0 && double.TryParse(m.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var avg))
                {
                    averages[sa] = avg;
                    successes[sa] = (int)Math.Round(avg * counts[sa], MidpointRounding.AwayFromZero);
                }

                continue;
            }

            rest.Add(line);
        }

        if (summary)
        {
            turns = counts.Sum();
        }
        else
        {
            for (int a = 0; a < k; a++)
            {
                averages[a] = counts[a] == 0 ? double.NaN : (double)successes[a] / counts[a];
            }
        }

        return new BanditHistoryReading(summary ? BanditHistoryRendering.Summarized : BanditHistoryRendering.Raw, counts, successes, averages, turns,
            string.Join("\n", rest));

        int Arm(string name)
        {
            for (int a = 0; a < k; a++)
            {
                if (string.Equals(armNames[a], name, StringComparison.OrdinalIgnoreCase))
                {
                    return a;
                }
            }

            return -1;
        }
    }

    [GeneratedRegex(@"^(History|Summary) of the \d+ turns so far:$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^Turn (\d+): pressed (\S+), reward ([01])$", RegexOptions.CultureInvariant)]
    private static partial Regex TurnLine();

    [GeneratedRegex(@"^(\S+) button: pressed (\d+) times, average reward (n/a|\d+(?:\.\d+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex SummaryLine();
}
