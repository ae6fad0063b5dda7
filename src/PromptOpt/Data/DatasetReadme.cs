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

    [GeneratedRegex(@"^\s*(?:[-*]\s+)?(?:\*\*|__)?\s*(?:task\s+)?instruction\s*(?:\([^)]*\))?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InstructionLine();
}
