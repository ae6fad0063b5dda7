using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>
/// The one place where answers are pulled out of model responses and normalised: <c>&lt;answer&gt;</c> tags (the last
/// block wins, as in MetaSPO's parsers, ALGORITHMS.md 3.3), "the answer is …" cues, numbers and number words.
/// </summary>
public static partial class AnswerExtractor
{
    /// <summary>The default answer tag.</summary>
    public const string AnswerTag = "answer";

    private static readonly string[] NumberWords =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    ];

    /// <summary>
    /// Returns the content of the last <c>&lt;tag&gt;…&lt;/tag&gt;</c> block (tag names are case-insensitive), trimmed. When the
    /// last opening tag is never closed, the rest of the response after it is the content.
    /// </summary>
    /// <param name="response">The response text.</param>
    /// <param name="tag">The tag name without angle brackets.</param>
    /// <returns>The content, or <see langword="null"/> when the response has no such tag.</returns>
    public static string? ExtractTag(string? response, string tag = AnswerTag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (string.IsNullOrEmpty(response))
        {
            return null;
        }

        var open = "<" + tag + ">";
        var close = "</" + tag + ">";
        int start = response.LastIndexOf(open, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        int contentStart = start + open.Length;
        int end = response.IndexOf(close, contentStart, StringComparison.OrdinalIgnoreCase);
        return (end < 0 ? response[contentStart..] : response[contentStart..end]).Trim();
    }

    /// <summary>
    /// Extracts the answer text of a free-form response: the last <c>&lt;answer&gt;</c> block if there is one; otherwise the
    /// sentence after the last "answer is" / "answer:" cue; otherwise the last non-empty line. The result is trimmed
    /// but not normalised (see <see cref="Normalize"/>).
    /// </summary>
    /// <param name="response">The response text.</param>
    /// <returns>The answer text (empty when the response is empty).</returns>
    public static string ExtractAnswer(string? response)
    {
        if (string.IsNullOrWhiteSpace(response))
        {
            return string.Empty;
        }

        if (ExtractTag(response) is { } tagged)
        {
            return tagged;
        }

        if (TryExtractCue(response, out var cued))
        {
            return cued;
        }

        var lines = response.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? string.Empty : lines[^1];
    }

    /// <summary>Finds the text after the last "answer is" / "answer:" cue, up to the end of its sentence or line.</summary>
    /// <param name="response">The response text.</param>
    /// <param name="answer">The cued text.</param>
    /// <returns><see langword="true"/> when a non-empty cued answer was found.</returns>
    public static bool TryExtractCue(string? response, out string answer)
    {
        answer = string.Empty;
        if (string.IsNullOrEmpty(response))
        {
            return false;
        }

        var matches = AnswerCue().Matches(response);
        for (int i = matches.Count - 1; i >= 0; i--)
        {
            var text = matches[i].Groups["a"].Value;
            var stop = SentenceEnd().Match(text);
            if (stop.Success)
            {
                text = text[..stop.Index];
            }

            text = text.Trim();
            if (text.Length > 0)
            {
                answer = text;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Returns the rest of the line after the last "answer is" / "answer:" cue, without cutting at sentence ends (for
    /// answers that contain ". ", such as whole sentences), or <see langword="null"/> when there is no cue.
    /// </summary>
    /// <param name="response">The response text.</param>
    /// <returns>The cued line, trimmed, or <see langword="null"/>.</returns>
    public static string? ExtractCueLine(string? response)
    {
        if (string.IsNullOrEmpty(response))
        {
            return null;
        }

        var matches = AnswerCue().Matches(response);
        return matches.Count == 0 ? null : matches[^1].Groups["a"].Value.Trim();
    }

    /// <summary>
    /// Normalises an answer for comparison: trims, lower-cases (invariant), collapses runs of whitespace to one space,
    /// strips surrounding quotes, backticks and Markdown emphasis, and strips trailing periods.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalised text.</returns>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var s = TextNormalization.CollapseLower(text);
        string previous;
        do
        {
            previous = s;
            s = s.Trim().TrimEnd('.').Trim();
            if (s.Length >= 2 && IsWrapper(s[0]) && s[^1] == s[0])
            {
                s = s[1..^1];
            }
            else
            {
                s = s.Trim('*', '_', '`');
            }
        }
        while (s != previous);
        return s;
    }

    /// <summary>
    /// Finds the last number in <paramref name="text"/>: digits with an optional sign, decimals and thousands separators
    /// (<c>1,234.5</c>); when the text has no digits, the last number word from zero to twenty.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The number, or <see langword="null"/> when there is none.</returns>
    public static double? ExtractLastNumber(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        text = text.Replace('\u2212', '-'); // Unicode minus sign
        var digits = NumberPattern().Matches(text);
        if (digits.Count > 0)
        {
            return ParseNumber(digits[^1].Value);
        }

        var words = NumberWordPattern().Matches(text);
        return words.Count > 0 ? Array.IndexOf(NumberWords, words[^1].Value.ToLowerInvariant()) : null;
    }

    /// <summary>Parses a number written with invariant conventions, ignoring thousands separators.</summary>
    /// <param name="text">The text, e.g. <c>-1,234.5</c>.</param>
    /// <returns>The number, or <see langword="null"/> when the text is not a number.</returns>
    public static double? ParseNumber(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim().Replace('\u2212', '-').Replace(",", string.Empty, StringComparison.Ordinal);
        return double.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>Formats a number for predictions and feedback: integers without a decimal point, others in round-trip form.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The invariant text.</returns>
    public static string FormatNumber(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

    private static bool IsWrapper(char c) => c is '"' or '\'' or '`' or '*' or '_';

    [GeneratedRegex(@"(?:final\s+)?answer\s*(?:is|was|would be|should be|[:=])\s*:?\s*(?<a>[^\r\n]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerCue();

    // A sentence ends at . ! or ? followed by whitespace or the end (so "3.5" and "(B)." survive).
    [GeneratedRegex(@"[.!?](?=\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    // A sign only when the minus is not a binary operator ("5-3" is 5 and 3); thousands groups only when well-formed.
    [GeneratedRegex(@"(?:(?<![\w)\]])-)?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberWordPattern();
}
