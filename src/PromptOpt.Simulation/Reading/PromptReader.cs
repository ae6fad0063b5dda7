using System.Text;
using System.Text.RegularExpressions;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>
/// Reads a prompt the way the simulated model does (SIMULATOR.md v2, "Prompt reading"):
/// <list type="bullet">
/// <item><b>Instruction sentences</b>: the system and user text split by <see cref="SentenceView"/> (sentence ends,
/// line breaks, list items, headings). Headings are boundaries, not instructions (no operation is favoured by its
/// section names); a line that only labels the question slot ("Question: {question}", "Answer:") is no instruction.</item>
/// <item><b>Clauses</b>: a sentence is also read clause by clause, split at ";", "," and the word "and"; a clause has at
/// least three words (a hyphenated word counts per part) including a verb (<see cref="ClauseVerbs"/>), so a list of
/// noun phrases has no clauses and stays one diluted sentence.</item>
/// <item><b>Demonstrations</b>: input/answer pairs written with labels ("Input:"/"Question:"/"Q:" then
/// "Output:"/"Answer:"/"A:"), wherever they are; everything under an "Examples" or "Example N" heading (up to the
/// next heading); and earlier user/assistant turns of the conversation.</item>
/// </list>
/// Pure and deterministic; thread-safe.
/// </summary>
public static partial class PromptReader
{
    /// <summary>Reads a prompt.</summary>
    /// <param name="system">The system prompt, or <see langword="null"/>.</param>
    /// <param name="user">The user prompt template (the question slot as <see cref="Prompt.QuestionPlaceholder"/>, or absent).</param>
    /// <param name="turns">Earlier user/assistant turns of the conversation (demonstrations), or <see langword="null"/>.</param>
    /// <param name="charsPerToken">Characters per token for <see cref="PromptReading.Tokens"/>.</param>
    /// <param name="isDemonstrationInput">Decides whether a labelled pair outside an Examples section is a demonstration
    /// (SIMULATOR.md: "whose input is a training example of the task"); <see langword="null"/> accepts every labelled pair.</param>
    /// <returns>The reading.</returns>
    public static PromptReading Read(
        string? system,
        string user,
        IReadOnlyList<(string User, string Assistant)>? turns = null,
        double charsPerToken = 4,
        Func<string, bool>? isDemonstrationInput = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var units = new List<InstructionUnit>();
        var sentences = new List<string>();
        var demos = new List<Demonstration>();
        if (!string.IsNullOrWhiteSpace(system))
        {
            ReadBlock(system, inSystem: true, units, sentences, demos, isDemonstrationInput);
        }

        ReadBlock(user, inSystem: false, units, sentences, demos, isDemonstrationInput);
        var full = new StringBuilder();
        full.Append(system ?? string.Empty).Append("\n\n").Append(user);
        foreach (var (u, a) in turns ?? [])
        {
            demos.Add(MakeDemo(u.Trim(), a.Trim(), DemonstrationSource.Turn));
            full.Append("\n\n").Append(u).Append("\n\n").Append(a);
        }

        // Clauses follow all sentences, so Units[i] for i < Sentences.Count is sentence i.
        var ordered = units.Where(x => !x.IsClause).Concat(units.Where(x => x.IsClause)).ToList();
        var text = full.ToString();
        int tokens = (int)Math.Ceiling(text.Replace(Prompt.QuestionPlaceholder, string.Empty, StringComparison.Ordinal).Trim().Length / Math.Max(0.1, charsPerToken));
        return new PromptReading(system, user, ordered, sentences, demos, tokens, StableHash.Normalize(text));
    }

    /// <summary>Splits an instruction sentence into its clauses (SIMULATOR.md: at ";", "," and "and"; ≥ 3 words including a verb).</summary>
    /// <param name="sentence">The sentence.</param>
    /// <returns>The clauses; empty when the sentence has fewer than two.</returns>
    public static IReadOnlyList<string> Clauses(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var parts = ClauseSplit().Split(sentence)
            .Select(p => p.Trim().Trim('.', '!', '?', ':', ' ').Trim())
            .Where(IsClause)
            .ToList();
        return parts.Count >= 2 ? parts : [];
    }

    /// <summary>Gets whether a piece of text is a clause: at least three words, one of them a verb.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> for a clause.</returns>
    public static bool IsClause(string text)
    {
        var words = WordSplit().Matches(text).Select(m => m.Value.ToLowerInvariant()).ToList();
        return words.Count >= 3 && words.Any(IsVerb);
    }

    /// <summary>Extracts the final answer of a demonstrated answer: inside answer tags, after "answer is"/"Answer:", else the last line.</summary>
    /// <param name="answer">The answer as written.</param>
    /// <returns>The final answer.</returns>
    public static string FinalAnswerOf(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var tag = AnswerTag().Match(answer);
        if (tag.Success)
        {
            return tag.Groups[1].Value.Trim();
        }

        var said = AnswerIs().Matches(answer);
        if (said.Count > 0)
        {
            return said[^1].Groups[1].Value.Trim().TrimEnd('.').Trim();
        }

        var lines = answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? string.Empty : lines[^1];
    }

    private static void ReadBlock(string text, bool inSystem, List<InstructionUnit> units, List<string> sentences, List<Demonstration> demos, Func<string, bool>? isDemo)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var instruction = new StringBuilder();
        bool inExamples = false;
        int i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (HeadingText(line) is { } heading)
            {
                inExamples = ExamplesHeading().IsMatch(heading);
                instruction.Append('\n'); // a heading is a boundary
                i++;
                continue;
            }

            if (InputLabel().Match(line) is { Success: true } input && !line.Contains(Prompt.QuestionPlaceholder, StringComparison.Ordinal)
                && TryReadPair(lines, i, input, out var demo, out int next)
                && (inExamples || isDemo is null || isDemo(demo.Input)))
            {
                demos.Add(demo);
                instruction.Append('\n');
                i = next;
                continue;
            }

            if (!inExamples)
            {
                instruction.Append(line).Append('\n');
            }

            i++;
        }

        foreach (var s in SentenceView.Parse(instruction.ToString()).Sentences)
        {
            if (Clean(s.Text) is not { } sentence)
            {
                continue;
            }

            int index = sentences.Count;
            sentences.Add(sentence);
            units.Add(new InstructionUnit(sentence, inSystem, false, index));
            foreach (var clause in Clauses(sentence))
            {
                units.Add(new InstructionUnit(clause, inSystem, true, index));
            }
        }
    }

    /// <summary>Reads "Input: …" (possibly over several lines) then "Output: …" (up to the next blank line, input label or heading).</summary>
    private static bool TryReadPair(string[] lines, int start, Match input, out Demonstration demo, out int next)
    {
        demo = null!;
        next = start;
        var inputText = new StringBuilder(lines[start][input.Length..].Trim());
        int i = start + 1;
        while (i < lines.Length && AnswerLabel().Match(lines[i]) is { Success: false } && HeadingText(lines[i]) is null && !InputLabel().IsMatch(lines[i]))
        {
            inputText.Append('\n').Append(lines[i]);
            i++;
        }

        if (i >= lines.Length || AnswerLabel().Match(lines[i]) is not { Success: true } label)
        {
            return false;
        }

        var answer = new StringBuilder(lines[i][label.Length..].Trim());
        i++;
        while (i < lines.Length && HeadingText(lines[i]) is null && !InputLabel().IsMatch(lines[i]) && lines[i].Trim().Length > 0)
        {
            answer.Append('\n').Append(lines[i]);
            i++;
        }

        var a = answer.ToString().Trim();
        var q = inputText.ToString().Trim();
        if (a.Length == 0 || q.Length == 0)
        {
            return false;
        }

        demo = MakeDemo(q, a, DemonstrationSource.PromptText);
        next = i;
        return true;
    }

    private static Demonstration MakeDemo(string input, string answer, DemonstrationSource source)
    {
        var final = FinalAnswerOf(answer);
        var reasoning = answer.Replace(final, string.Empty, StringComparison.Ordinal);
        bool showsReasoning = WordSplit().Count(AnswerTag().Replace(reasoning, string.Empty)) >= 8;
        bool showsForm = AnswerTag().IsMatch(answer) || (!showsReasoning && WordSplit().Count(answer) <= 5 && !answer.Contains('\n', StringComparison.Ordinal));
        return new Demonstration(input, answer, final, showsReasoning, showsForm, source);
    }

    /// <summary>The text of a heading line (markdown "#", a bold line, or a short line ending in ":" such as "Examples:"), else null.</summary>
    private static string? HeadingText(string line)
    {
        var t = line.Trim();
        if (t.Length == 0)
        {
            return null;
        }

        var m = Heading().Match(t);
        if (!m.Success)
        {
            return null;
        }

        // A bold line is a heading only when short (a bold instruction stays an instruction).
        var h = m.Groups["h"].Value.Trim();
        return t.StartsWith("**", StringComparison.Ordinal) && WordSplit().Count(h) > 4 ? null : h;
    }

    private static string? Clean(string sentence)
    {
        var t = sentence.Replace(Prompt.QuestionPlaceholder, " ", StringComparison.Ordinal);
        t = ListMarker().Replace(t, string.Empty);
        t = t.Replace("**", string.Empty, StringComparison.Ordinal).Replace("__", string.Empty, StringComparison.Ordinal).Trim();
        if (!t.Any(char.IsLetter) || SlotLabel().IsMatch(t))
        {
            return null;
        }

        return MultiSpace().Replace(t, " ");
    }

    private static bool IsVerb(string word)
    {
        if (ClauseVerbs.Contains(word))
        {
            return true;
        }

        foreach (var (suffix, add) in Inflections)
        {
            if (word.Length > suffix.Length + 2 && word.EndsWith(suffix, StringComparison.Ordinal)
                && ClauseVerbs.Contains(word[..^suffix.Length] + add))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly (string Suffix, string Add)[] Inflections =
        [("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e")];

    /// <summary>
    /// Verbs (base forms, auxiliaries and modals) that make a clause. Words that are mostly nouns in prompts ("order",
    /// "step", "sign", "number", "list", "result") are left out, so "order of operations" is no clause.
    /// </summary>
    internal static readonly HashSet<string> ClauseVerbs = new(StringComparer.Ordinal)
    {
        "be", "is", "are", "am", "was", "were", "been", "being", "do", "does", "did", "have", "has", "had",
        "can", "could", "will", "would", "shall", "should", "must", "may", "might", "let", "lets", "need",
        "add", "adjust", "answer", "apply", "ask", "assign", "assume", "avoid", "base", "begin", "break", "bring", "build",
        "calculate", "carry", "check", "choose", "classify", "collect", "combine", "compare", "compute", "conclude",
        "confirm", "consider", "convert", "copy", "correct", "count", "cover", "cross", "decide", "decompose", "deduce",
        "define", "derive", "describe", "detect", "determine", "distinguish", "divide", "double-check", "draw", "ensure",
        "establish", "estimate", "evaluate", "examine", "explain", "express", "extract", "face", "figure", "fill", "find",
        "finish", "focus", "follow", "get", "give", "go", "group", "guess", "handle", "identify", "ignore", "imagine",
        "include", "infer", "interpret", "judge", "justify", "keep", "know", "label", "lay", "look", "make", "map",
        "mark", "match", "mean", "mention", "move", "multiply", "name", "note", "notice", "obey", "output", "pay", "pick",
        "place", "plan", "predict", "prefer", "present", "produce", "proceed", "provide", "put", "read", "reason",
        "recall", "recheck", "recognize", "recompute", "reconsider", "reduce", "refer", "reflect", "remember", "remove",
        "reply", "report", "resolve", "respond", "restate", "return", "reverse", "review", "rewrite", "rule", "say", "scan",
        "see", "select", "separate", "settle", "show", "simplify", "solve", "sort", "spell", "split", "start", "stay",
        "stick", "subtract", "sum", "summarize", "suppose", "take", "tell", "test", "think", "trace", "track", "translate",
        "treat", "try", "turn", "understand", "update", "use", "validate", "verify", "walk", "watch", "weigh", "work",
        "write", "lie", "lies", "tells", "walks", "turns", "appear", "apply", "attend", "believe", "cause", "contain",
        "depend", "differ", "end", "hold", "imply", "lead", "occur", "remain", "seem", "tally", "alphabetize", "arrange",
        "rank", "flip", "negate", "parse", "rephrase", "reread", "re-read", "state",
    };

    [GeneratedRegex(@"\s*(?:;|,|\band\b)\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClauseSplit();

    [GeneratedRegex(@"[\p{L}\p{N}']+", RegexOptions.CultureInvariant)]
    private static partial Regex WordSplit();

    [GeneratedRegex(@"^(?:#{1,6}\s+(?<h>.+?)\s*#*|\*\*(?<h>[^*]+?):?\*\*:?|(?<h>(?:few-shot\s+)?examples?(?:\s+\d+)?)\s*:)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(?:few-shot\s+|worked\s+|solved\s+)?(?:examples?|demonstrations?)(?:\s+\d+)?\s*:?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExamplesHeading();

    [GeneratedRegex(@"^\s*(?:[-*]\s*)?(?:input|question|q|problem|text|sentence|expression)\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InputLabel();

    [GeneratedRegex(@"^\s*(?:[-*]\s*)?(?:output|answer|a|label|target|result)\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerLabel();

    [GeneratedRegex(@"<answer>\s*(.*?)\s*</answer>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerTag();

    [GeneratedRegex(@"(?:answer is|answer\s*:)\s*(.+?)\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerIs();

    [GeneratedRegex(@"^\s*(?:\d{1,3}[.)]|[-*+•])\s+", RegexOptions.CultureInvariant)]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"^[\p{L} ]{0,30}:\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlotLabel();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex MultiSpace();
}
