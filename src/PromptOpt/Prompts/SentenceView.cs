using System.Collections.Immutable;
using System.Text;

namespace PromptOpt.Prompts;

/// <summary>One sentence of a <see cref="SentenceView"/>: its text, the exact separator after it, its weight and whether it may be edited.</summary>
/// <param name="Text">The sentence text, including a list marker (<c>1.</c>, <c>-</c>) when it starts a list item.</param>
/// <param name="Separator">The exact whitespace (spaces, newlines, blank lines) between this sentence and the next.</param>
/// <param name="LogWeight">The sentence weight in log space (Dual-Phase EXP3 weights; weight 1 is log-weight 0).</param>
/// <param name="Editable">Whether an optimizer may rewrite it (headers, the question placeholder and punctuation-only lines may not).</param>
public sealed record Sentence(string Text, string Separator, double LogWeight, bool Editable);

/// <summary>
/// A lossless, deterministic split of prompt text into sentences with their separators (ALGORITHMS.md 2.2, phase 2
/// step 1: "keeping the exact separators so the prompt reassembles byte-for-byte; section headers are not editable").
/// <see cref="Join"/> of a parsed text is byte-identical to the input.
/// </summary>
/// <remarks>
/// Rules: every line break ends a sentence (wrapped lines are separate units); a markdown header line
/// (<c># …</c> to <c>###### …</c>) is one non-editable sentence; a list marker (<c>1.</c>, <c>2)</c>, <c>-</c>,
/// <c>*</c>, <c>+</c>, <c>•</c>) stays with the text that follows it; within a line a sentence ends after
/// <c>.</c>, <c>!</c> or <c>?</c> (and any closing quotes or brackets) followed by whitespace and a character that is
/// not a lower-case letter, unless the period ends a known abbreviation (e.g., i.e., Dr., etc.) or a single-letter
/// initial. A period inside a number (3.14) is never followed by whitespace, so it never splits. Any sentence that
/// contains <see cref="Prompt.QuestionPlaceholder"/> is not editable.
/// </remarks>
public sealed class SentenceView
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "e.g", "i.e", "etc", "vs", "cf", "dr", "mr", "mrs", "ms", "prof", "sr", "jr", "st", "fig", "approx",
        "al", "inc", "ltd", "resp", "viz", "vol", "u.s", "u.k", "a.m", "p.m",
    };

    private SentenceView(string prefix, ImmutableArray<Sentence> sentences)
    {
        Prefix = prefix;
        Sentences = sentences;
    }

    /// <summary>Gets the whitespace before the first sentence.</summary>
    public string Prefix { get; }

    /// <summary>Gets the sentences in order.</summary>
    public ImmutableArray<Sentence> Sentences { get; }

    /// <summary>Gets the number of sentences.</summary>
    public int Count => Sentences.Length;

    /// <summary>Gets the indices of the editable sentences.</summary>
    public IReadOnlyList<int> EditableIndices => Enumerable.Range(0, Sentences.Length).Where(i => Sentences[i].Editable).ToList();

    /// <summary>Gets a sentence.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The sentence.</returns>
    public Sentence this[int index] => Sentences[index];

    /// <summary>Splits <paramref name="text"/> into sentences (all weights log 0, i.e. weight 1).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The view.</returns>
    public static SentenceView Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int pos = 0;
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }

        var prefix = text[..pos];
        var list = ImmutableArray.CreateBuilder<Sentence>();
        while (pos < text.Length)
        {
            int end = FindSentenceEnd(text, pos);
            int sepEnd = end;
            while (sepEnd < text.Length && char.IsWhiteSpace(text[sepEnd]))
            {
                sepEnd++;
            }

            var sentence = text[pos..end];
            list.Add(new Sentence(sentence, text[end..sepEnd], 0, IsEditable(sentence)));
            pos = sepEnd;
        }

        return new SentenceView(prefix, list.ToImmutable());
    }

    /// <summary>Reassembles the text: prefix, then each sentence followed by its separator.</summary>
    /// <returns>The text (byte-identical to the parsed input when nothing was replaced).</returns>
    public string Join()
    {
        var sb = new StringBuilder(Prefix);
        foreach (var s in Sentences)
        {
            sb.Append(s.Text).Append(s.Separator);
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Join();

    /// <summary>Returns a view with sentence <paramref name="index"/> replaced, keeping its separator, weight and editable flag.</summary>
    /// <param name="index">The sentence index.</param>
    /// <param name="newText">The new sentence text (surrounding whitespace is trimmed so separators stay exact).</param>
    /// <returns>The new view.</returns>
    public SentenceView WithSentence(int index, string newText)
    {
        ArgumentNullException.ThrowIfNull(newText);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Sentences.Length);
        return new SentenceView(Prefix, Sentences.SetItem(index, Sentences[index] with { Text = newText.Trim() }));
    }

    /// <summary>Returns a view with the log-weight of sentence <paramref name="index"/> set.</summary>
    /// <param name="index">The sentence index.</param>
    /// <param name="logWeight">The new weight, in log space.</param>
    /// <returns>The new view.</returns>
    public SentenceView WithLogWeight(int index, double logWeight) =>
        new(Prefix, Sentences.SetItem(index, Sentences[index] with { LogWeight = logWeight }));

    private static bool IsEditable(string sentence) =>
        !IsHeader(sentence, 0)
        && !sentence.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal)
        && sentence.Any(char.IsLetter);

    private static bool IsHeader(string text, int lineStart)
    {
        int i = lineStart;
        int spaces = 0;
        while (i < text.Length && text[i] == ' ' && spaces < 3)
        {
            i++;
            spaces++;
        }

        int hashes = 0;
        while (i < text.Length && text[i] == '#')
        {
            i++;
            hashes++;
        }

        return hashes is >= 1 and <= 6 && (i == text.Length || text[i] is ' ' or '\t' or '\r' or '\n');
    }

    private static int LineEnd(string text, int from)
    {
        int nl = text.IndexOfAny(['\r', '\n'], from);
        return nl < 0 ? text.Length : nl;
    }

    /// <summary>Finds the exclusive end of the sentence starting at <paramref name="start"/> (a non-whitespace char).</summary>
    private static int FindSentenceEnd(string text, int start)
    {
        int lineEnd = LineEnd(text, start);
        if (IsLineStart(text, start) && IsHeader(text, start))
        {
            return TrimEndWhitespace(text, start, lineEnd);
        }

        int i = IsLineStart(text, start) ? SkipListMarker(text, start, lineEnd) : start;
        for (; i < lineEnd; i++)
        {
            char c = text[i];
            if (c is not ('.' or '!' or '?'))
            {
                continue;
            }

            int j = i + 1;
            while (j < lineEnd && text[j] is '.' or '!' or '?' or '"' or '\'' or ')' or ']' or '”' or '’' or '*' or '_')
            {
                j++;
            }

            if (j >= lineEnd || !char.IsWhiteSpace(text[j]))
            {
                continue; // end of line (handled below) or inside a token such as 3.14 or e.g.x
            }

            int k = j;
            while (k < lineEnd && char.IsWhiteSpace(text[k]))
            {
                k++;
            }

            if (k >= lineEnd)
            {
                break; // only trailing spaces remain on the line
            }

            if (char.IsLower(text[k]) || (c == '.' && IsAbbreviation(text, start, i)))
            {
                continue;
            }

            return j;
        }

        return TrimEndWhitespace(text, start, lineEnd);
    }

    private static bool IsLineStart(string text, int pos)
    {
        int i = pos - 1;
        while (i >= 0 && text[i] is ' ' or '\t')
        {
            i--;
        }

        return i < 0 || text[i] is '\n' or '\r';
    }

    private static int SkipListMarker(string text, int start, int lineEnd)
    {
        int i = start;
        if (i < lineEnd && text[i] is '-' or '*' or '+' or '•')
        {
            return i + 1;
        }

        while (i < lineEnd && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i > start && i < lineEnd && text[i] is '.' or ')' && (i + 1 == lineEnd || char.IsWhiteSpace(text[i + 1])))
        {
            return i + 1;
        }

        // A lettered item such as "a) " or "(B) ".
        if (i == start && i + 1 < lineEnd && char.IsLetter(text[i]) && text[i + 1] == ')')
        {
            return i + 2;
        }

        return start;
    }

    private static bool IsAbbreviation(string text, int sentenceStart, int periodIndex)
    {
        int w = periodIndex;
        while (w > sentenceStart && (char.IsLetter(text[w - 1]) || text[w - 1] == '.'))
        {
            w--;
        }

        var word = text[w..periodIndex];
        if (word.Length == 0)
        {
            return false;
        }

        return Abbreviations.Contains(word) || (word.Length == 1 && char.IsUpper(word[0]));
    }

    private static int TrimEndWhitespace(string text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }
}
