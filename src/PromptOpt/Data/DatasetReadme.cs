using System.Text.RegularExpressions;

namespace PromptOpt.Data;

/// <summary>
/// Reads the one-line natural instruction from a dataset directory's <c>README.md</c>: the first line of the form
/// <c>**Task instruction (own words):** …</c> (also <c>Instruction: …</c>, <c>- **Task instruction:** …</c>, with or
/// without bold markers and a parenthesised note).
/// </summary>
public static partial class DatasetReadme
{
    /// <summary>The README file name looked for in a dataset directory.</summary>
    public const string FileName = "README.md";

    /// <summary>Reads the instruction line from <c>README.md</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The dataset directory.</param>
    /// <returns>The instruction text, or <see langword="null"/> when there is no README or no instruction line in it.</returns>
    public static string? TryReadInstruction(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return ParseInstruction(File.ReadLines(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The README is documentation, not data: an unreadable one just means "no instruction".
            return null;
        }
    }

    /// <summary>Finds the instruction line in README text.</summary>
    /// <param name="lines">The README lines.</param>
    /// <returns>The instruction text, or <see langword="null"/>.</returns>
    public static string? ParseInstruction(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines)
        {
            var m = InstructionLine().Match(line);
            if (m.Success)
            {
                var text = m.Groups["text"].Value.Trim().Trim('*').Trim();
                if (text.Length > 0)
                {
                    return text;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Reads the task kind from the README's task-type line (<c>- **Task type:** binary classification</c>):
    /// <c>classification</c> when the line names a classification, <c>reasoning</c> for any other type, or
    /// <see langword="null"/> when there is no README or no such line (SIMULATOR.md v2: the simulator's task kind).
    /// </summary>
    /// <param name="directory">The dataset directory.</param>
    /// <returns>The kind, or <see langword="null"/>.</returns>
    public static string? TryReadTaskKind(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var path = Path.Combine(directory, FileName);
        try
        {
            return File.Exists(path) ? ParseTaskKind(File.ReadLines(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Finds the task kind in README text (see <see cref="TryReadTaskKind"/>).</summary>
    /// <param name="lines">The README lines.</param>
    /// <returns>The kind, or <see langword="null"/>.</returns>
    public static string? ParseTaskKind(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines)
        {
            var m = TaskTypeLine().Match(line);
            if (m.Success)
            {
                return m.Groups["text"].Value.Contains("classification", StringComparison.OrdinalIgnoreCase) ? "classification" : "reasoning";
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\s*(?:[-*]\s+)?(?:\*\*|__)?\s*task\s+type\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TaskTypeLine();

    [GeneratedRegex(@"^\s*(?:[-*]\s+)?(?:\*\*|__)?\s*(?:task\s+)?instruction\s*(?:\([^)]*\))?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InstructionLine();
}
