using System.Text.RegularExpressions;
using PromptOpt.Data;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>
/// Accuracy on classification and multiple-choice examples: extracts one of the example's <see cref="Example.Choices"/>
/// from the response (the last <c>&lt;answer&gt;</c> block if any, else the whole response) and compares it with the
/// target. Examples without choices are scored by <see cref="ExactMatchMetric"/>.
/// </summary>
/// <remarks>
/// <para>Option letters (choices such as <c>(A)</c>…<c>(E)</c>) are recognised, in this order: the answer alone
/// (<c>(B)</c>, <c>B</c>, <c>B)</c>, <c>B.</c>); a cue ("answer is (B)", "answer: B", "option B"); the option
/// letters written in parentheses anywhere, when they name exactly one option; a line starting with <c>B)</c>;
/// the text of an option exactly, as the input lists it (<c>(B) 08/03/1996</c>).</para>
/// <para>Label words (<c>Yes</c>/<c>No</c>, <c>positive</c>, <c>1</c>…<c>5</c>) are recognised, in this order: the answer
/// alone; the label that starts the text after an "answer is" cue; the labels named anywhere as whole words, when
/// exactly one is named. A response naming several options or labels with no deciding cue is ambiguous: no prediction.</para>
/// </remarks>
public sealed partial class ChoiceMetric : IMetric
{
    /// <summary>Gets a shared instance.</summary>
    public static ChoiceMetric Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "choice";

    /// <inheritdoc />
    public MetricResult Score(string response, Example example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (example.Choices is not { Count: > 0 } choices)
        {
            return ExactMatchMetric.Instance.Score(response, example);
        }

        var (choice, named) = Parse(response, choices, example.Input);
        if (choice is null)
        {
            var why = named.Count > 1 ? $" (the response names {string.Join(", ", named)})" : string.Empty;
            return new MetricResult(0, null, MetricFeedback.NoAnswer(example.Target) + why);
        }

        bool ok = string.Equals(choice, example.Target, StringComparison.Ordinal);
        return new MetricResult(ok ? 1 : 0, choice, ok ? MetricFeedback.Correct : MetricFeedback.Wrong(example.Target, choice));
    }

    /// <summary>Extracts one of <paramref name="choices"/> from a response.</summary>
    /// <param name="response">The response text.</param>
    /// <param name="choices">The label set or option letters.</param>
    /// <param name="input">The example input (its option lines let an option's text stand for its letter), or <see langword="null"/>.</param>
    /// <returns>The choice exactly as spelled in <paramref name="choices"/>, or <see langword="null"/> when none or several are named.</returns>
    public static string? ParseChoice(string? response, IReadOnlyList<string> choices, string? input = null)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return Parse(response, choices, input).Choice;
    }

    private static (string? Choice, IReadOnlyList<string> Named) Parse(string? response, IReadOnlyList<string> choices, string? input)
    {
        if (string.IsNullOrWhiteSpace(response) || choices.Count == 0)
        {
            return (null, []);
        }

        var text = AnswerExtractor.ExtractTag(response) ?? response;
        if (text.Length == 0)
        {
            return (null, []);
        }

        var letters = new Dictionary<char, string>();
        foreach (var c in choices)
        {
            var m = LetterChoice().Match(c);
            if (!m.Success)
            {
                letters.Clear();
                break;
            }

            letters[char.ToUpperInvariant(m.Groups[1].Value[0])] = c;
        }

        return letters.Count == choices.Count ? ParseLetter(text, letters, input) : ParseLabel(text, choices);
    }

    private static (string?, IReadOnlyList<string>) ParseLetter(string text, Dictionary<char, string> letters, string? input)
    {
        string? Of(string letter) => letters.TryGetValue(char.ToUpperInvariant(letter[0]), out var c) ? c : null;

        // 1. The answer alone: "(B)", "B", "B)", "B.", "**B**".
        var alone = AloneLetter().Match(AnswerExtractor.Normalize(text).Trim());
        if (alone.Success && Of(alone.Groups[1].Value) is { } a)
        {
            return (a, []);
        }

        // 2. A cue: the last "answer is (B)" / "answer: B" decides; failing that, the last "option B".
        foreach (var cue in new[] { AnswerLetterCue(), OptionLetterCue() })
        {
            var cues = cue.Matches(text);
            for (int i = cues.Count - 1; i >= 0; i--)
            {
                var g = cues[i].Groups["p"].Success ? cues[i].Groups["p"] : cues[i].Groups["b"];
                if (Of(g.Value) is { } c)
                {
                    return (c, []);
                }
            }
        }

        // 3. Parenthesised letters anywhere, when they name exactly one option.
        var named = ParenLetter().Matches(text).Select(m => Of(m.Groups[1].Value)).OfType<string>().Distinct().ToList();
        if (named.Count == 1)
        {
            return (named[0], []);
        }

        if (named.Count > 1)
        {
            return (null, named);
        }

        // 4. Lines starting with "B)" or "B.".
        named = LineLetter().Matches(text).Select(m => Of(m.Groups[1].Value)).OfType<string>().Distinct().ToList();
        if (named.Count == 1)
        {
            return (named[0], []);
        }

        if (named.Count > 1)
        {
            return (null, named);
        }

        // 5. The text of one option, exactly as the input lists it.
        if (input is not null)
        {
            var answer = AnswerExtractor.Normalize(AnswerExtractor.ExtractAnswer(text));
            foreach (Match m in OptionLine().Matches(input))
            {
                if (AnswerExtractor.Normalize(m.Groups["text"].Value) == answer && Of(m.Groups["l"].Value) is { } c)
                {
                    return (c, []);
                }
            }
        }

        return (null, []);
    }

    private static (string?, IReadOnlyList<string>) ParseLabel(string text, IReadOnlyList<string> choices)
    {
        // 1. The answer alone.
        var normalized = AnswerExtractor.Normalize(text).Trim('.', '!', ',', ';', ':', ' ');
        foreach (var c in choices)
        {
            if (AnswerExtractor.Normalize(c) == normalized)
            {
                return (c, []);
            }
        }

        // 2. The label that starts the text after the last "answer is" cue.
        if (AnswerExtractor.TryExtractCue(text, out var cued))
        {
            var start = FindLabels(cued, choices).OrderBy(t => t.Index).FirstOrDefault();
            if (start.Label is not null)
            {
                return (start.Label, []);
            }
        }

        // 3. Labels named anywhere as whole words, when exactly one is named.
        var named = FindLabels(text, choices).Select(t => t.Label).Distinct().ToList();
        return named.Count == 1 ? (named[0], []) : (null, named);
    }

    private static IEnumerable<(string Label, int Index)> FindLabels(string text, IReadOnlyList<string> choices)
    {
        foreach (var c in choices)
        {
            var pattern = @"(?<![\p{L}\p{N}])" + Regex.Escape(c.Trim()) + @"(?![\p{L}\p{N}])";
            var m = Regex.Match(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            if (m.Success)
            {
                yield return (c, m.Index);
            }
        }
    }

    [GeneratedRegex(@"^\(([A-Za-z])\)$", RegexOptions.CultureInvariant)]
    private static partial Regex LetterChoice();

    [GeneratedRegex(@"^(?:option\s+)?\(?([a-z])\)?[.:]?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AloneLetter();

    // Bare letters in a cue must be upper-case so "the answer is a duck" does not read as (A).
    [GeneratedRegex(@"(?i:answer\s*(?:is|was|would be|should be|[:=]))\s*:?\s*(?i:option\s+)?(?:\((?<p>[A-Za-z])\)|(?<b>[A-Z])(?![\p{L}\p{N}]))", RegexOptions.CultureInvariant)]
    private static partial Regex AnswerLetterCue();

    [GeneratedRegex(@"(?i:option|choice)\s*:?\s*(?:\((?<p>[A-Za-z])\)|(?<b>[A-Z])(?![\p{L}\p{N}]))", RegexOptions.CultureInvariant)]
    private static partial Regex OptionLetterCue();

    [GeneratedRegex(@"\(([A-Za-z])\)", RegexOptions.CultureInvariant)]
    private static partial Regex ParenLetter();

    [GeneratedRegex(@"^\s*([A-Z])[).:](?:\s|$)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LineLetter();

    [GeneratedRegex(@"^\s*\((?<l>[A-Za-z])\)\s*(?<text>.+?)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex OptionLine();
}
