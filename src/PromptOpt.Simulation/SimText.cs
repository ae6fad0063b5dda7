using System.Text.RegularExpressions;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>Where the simulated writer puts sentences: before the question line of a user prompt, else at the end; clauses joined with ";".</summary>
internal static partial class SimText
{
    /// <summary>Adds a sentence to a user prompt: at the end of the instruction, before the line holding the placeholder.</summary>
    public static string AddToUser(string user, string sentence)
    {
        int p = user.IndexOf(Prompt.QuestionPlaceholder, StringComparison.Ordinal);
        if (p < 0)
        {
            return Append(user, sentence);
        }

        int lineStart = user.LastIndexOf('\n', Math.Max(0, p - 1)) + 1;
        if (p == 0)
        {
            lineStart = 0;
        }

        var head = user[..lineStart].TrimEnd();
        return (head.Length == 0 ? sentence : Append(head, sentence)) + "\n\n" + user[lineStart..];
    }

    /// <summary>Adds a sentence to an instruction or user prompt: before the placeholder line when there is one, else at the end.</summary>
    public static string AddSentence(string text, string sentence) =>
        text.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal) ? AddToUser(text, sentence) : Append(text, sentence);

    /// <summary>Gets the list marker (with its trailing space) a sentence starts with, or the empty string.</summary>
    public static string ListMarkerOf(string sentence) => ListMarker().Match(sentence).Value;

    /// <summary>Appends a sentence: on a new line when the text is laid out in lines, else after a space.</summary>
    public static string Append(string text, string sentence)
    {
        var t = text.TrimEnd();
        return t.Length == 0 ? sentence : t + (t.Contains('\n', StringComparison.Ordinal) ? "\n" : " ") + sentence;
    }

    /// <summary>Joins a sentence and a clause: "A." + "B." → "A; b."</summary>
    public static string JoinClause(string sentence, string clause)
    {
        var head = sentence.TrimEnd().TrimEnd('.', '!', '?', ';', ',');
        if (head.Length == 0)
        {
            return clause;
        }

        var tail = clause.Length > 1 && char.IsUpper(clause[0]) && char.IsLower(clause[1]) ? char.ToLowerInvariant(clause[0]) + clause[1..] : clause;
        return head + "; " + tail;
    }

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    [GeneratedRegex(@"^\s*(\d{1,3}[.)]|[-*+•])\s+", RegexOptions.CultureInvariant)]
    private static partial Regex ListMarker();
}
