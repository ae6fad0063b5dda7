using System.Text.RegularExpressions;

namespace PromptOpt.Data;

/// <summary>
/// Reads a dataset directory's <c>README.md</c>: the one-line natural instruction (the first line of the form
/// <c>**Task instruction (own words):** …</c>, also <c>Instruction: …</c>, <c>- **Task instruction:** …</c>, with or
/// without bold markers and a parenthesised note) and the metric it asks for (<c>- **Metric:** …</c>).
/// </summary>
public static partial class DatasetReadme
{
    /// <summary>The README file name looked for in a dataset directory.</summary>
    public const string FileName = "README.md";

    /// <summary>Reads the instruction line from <c>README.md</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The dataset directory.</param>
    /// <returns>The instruction text, or <see langword="null"/> when there is no README or no instruction line in it.</returns>
    public static string? TryReadInstruction(string directory) => TryRead(directory, ParseInstruction);

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
    /// Reads the metric a dataset directory's <c>README.md</c> asks for (a line <c>- **Metric:** macro-F1 …</c>), as a
    /// <see cref="Evaluation.Metrics.MetricCatalog"/> name; see <see cref="ParseMetric"/>.
    /// </summary>
    /// <param name="directory">The dataset directory.</param>
    /// <returns>The metric name, or <see langword="null"/> when there is no README, no metric line, or it asks for plain accuracy.</returns>
    public static string? TryReadMetric(string directory) => TryRead(directory, ParseMetric);

    /// <summary>
    /// Finds the metric line in README text and maps the metric it names FIRST (before any <c>(</c>, <c>;</c> or <c>,</c>):
    /// macro-F1 → <c>macro_f1</c>, (token) F1 → <c>token_f1</c>, numeric → <c>numeric</c>, set match → <c>set_match</c>.
    /// Accuracy and exact match give <see langword="null"/>: the metric inferred from the data (choice, numeric or exact
    /// match) already is the right kind of accuracy for it.
    /// </summary>
    /// <param name="lines">The README lines.</param>
    /// <returns>The metric name, or <see langword="null"/>.</returns>
    public static string? ParseMetric(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines)
        {
            var m = MetricLine().Match(line);
            if (!m.Success)
            {
                continue;
            }

            var text = m.Groups["text"].Value.Trim().Trim('*').Trim();
            var first = text.Split(['(', ';', ','], 2)[0].Trim().ToLowerInvariant().Replace('_', '-').Replace(' ', '-');
            return first switch
            {
                _ when first.Contains("macro", StringComparison.Ordinal) && first.Contains("f1", StringComparison.Ordinal) => "macro_f1",
                _ when first.Contains("f1", StringComparison.Ordinal) => "token_f1",
                _ when first.StartsWith("numeric", StringComparison.Ordinal) => "numeric",
                _ when first.Contains("set-match", StringComparison.Ordinal) => "set_match",
                _ => null,
            };
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
    public static string? TryReadTaskKind(string directory) => TryRead(directory, ParseTaskKind);

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

    private static string? TryRead(string directory, Func<IEnumerable<string>, string?> parse)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var path = Path.Combine(directory, FileName);
        try
        {
            return File.Exists(path) ? parse(File.ReadLines(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The README is documentation, not data: an unreadable one just means "nothing said".
            return null;
        }
    }

    [GeneratedRegex(@"^\s*(?:[-*]\s+)?(?:\*\*|__)?\s*task\s+type\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TaskTypeLine();

    [GeneratedRegex(@"^\s*(?:[-*]\s+)?(?:\*\*|__)?\s*(?:evaluation\s+)?metric\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetricLine();

    [GeneratedRegex(@"^\s*(?:[-*]\s+)?(?:\*\*|__)?\s*(?:task\s+)?instruction\s*(?:\([^)]*\))?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InstructionLine();
}
