using System.Text.RegularExpressions;

namespace PromptOpt.Simulation;

/// <summary>What kind of instruction the model obeys against the task.</summary>
public enum ObedienceKind
{
    /// <summary>A constant answer ("Always answer No."): the model gives that label.</summary>
    ConstantAnswer,

    /// <summary>A fixed reply that is not an answer of the task ("Reply with the word banana."): unparseable.</summary>
    FixedReply,

    /// <summary>An explicit ban on the answer form ("Do not give the answer."): unparseable.</summary>
    AnswerBan,
}

/// <summary>An instruction the model obeys although it breaks the task.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Sentence">The sentence that says it.</param>
/// <param name="Reply">The constant label, or the fixed reply word; <see langword="null"/> for a ban.</param>
public sealed record ObeyedInstruction(ObedienceKind Kind, string Sentence, string? Reply);

/// <summary>
/// Obedience (SIMULATOR.md v2): constant-answer and format-breaking instructions are found by rules over the
/// sentence's structure, not by the encoder (which is blind to them):
/// <list type="bullet">
/// <item>a quantifier ("always", "regardless", "whatever", "every", "no matter") together with exactly one of the
/// task's labels after an answer verb ("answer", "reply", "say", "output", "choose", …) → that label;</item>
/// <item>"reply / respond / say / answer with &lt;word or phrase&gt;" where the word is not an answer of the task and
/// not a description of one ("the", "only", "one of", …) → that fixed reply;</item>
/// <item>a ban on the answer form ("do not / never / don't / refuse to … answer") → no answer.</item>
/// </list>
/// A format-breaking instruction wins over a constant answer; the first of each kind counts.
/// </summary>
public static partial class Obedience
{
    private static readonly HashSet<string> DescriptiveWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "only", "just", "one", "your", "final", "correct", "exactly", "its", "it", "either", "each",
        "single", "short", "brief", "clear", "concise", "yes", "no", "true", "false", "option", "options", "label", "labels",
        "number", "numbers", "integer", "letter", "answer", "answers", "words", "word", "phrase", "sentence", "result",
        "value", "category", "date", "list", "sorted", "reasoning", "explanation", "confidence", "care", "precision",
        "detail", "details", "nothing", "something", "both", "all", "any", "that", "this", "which", "what", "whichever",
        "<answer>", "answer>", "tags", "tag", "format", "form", "following", "appropriate", "right", "best", "most",
    };

    /// <summary>Finds the instruction the model obeys against the task, if any.</summary>
    /// <param name="sentences">The prompt's instruction sentences.</param>
    /// <param name="labels">The task's labels (may be empty).</param>
    /// <returns>The obeyed instruction, or <see langword="null"/>.</returns>
    public static ObeyedInstruction? Find(IEnumerable<string> sentences, IReadOnlyCollection<string> labels)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(labels);
        ObeyedInstruction? constant = null;
        foreach (var s in sentences)
        {
            if (AnswerBan().IsMatch(s))
            {
                return new ObeyedInstruction(ObedienceKind.AnswerBan, s, null);
            }

            if (FixedReply(s, labels) is { } word)
            {
                return new ObeyedInstruction(ObedienceKind.FixedReply, s, word);
            }

            if (constant is null && ConstantLabel(s, labels) is { } label)
            {
                constant = new ObeyedInstruction(ObedienceKind.ConstantAnswer, s, label);
            }
        }

        return constant;
    }

    /// <summary>The constant label a sentence imposes: a quantifier and exactly one task label after an answer verb.</summary>
    /// <param name="sentence">The sentence.</param>
    /// <param name="labels">The task's labels.</param>
    /// <returns>The label, or <see langword="null"/>.</returns>
    public static string? ConstantLabel(string sentence, IReadOnlyCollection<string> labels)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        if (labels.Count == 0 || !Quantifier().IsMatch(sentence))
        {
            return null;
        }

        var verb = AnswerVerb().Match(sentence);
        if (!verb.Success)
        {
            return null;
        }

        var tail = sentence[(verb.Index + verb.Length)..];
        var named = labels.Where(l => LabelPattern(l).IsMatch(tail)).ToList();
        return named.Count == 1 ? named[0] : null;
    }

    /// <summary>The fixed reply a sentence asks for when it is not an answer of the task, else <see langword="null"/>.</summary>
    /// <param name="sentence">The sentence.</param>
    /// <param name="labels">The task's labels.</param>
    /// <returns>The word.</returns>
    public static string? FixedReply(string sentence, IReadOnlyCollection<string> labels)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var m = ReplyWith().Match(sentence);
        if (!m.Success)
        {
            return null;
        }

        var word = m.Groups["w"].Value.Trim('"', '\'', '“', '”', '.', ',', '!', ':');
        if (word.Length == 0 || DescriptiveWords.Contains(word) || word.StartsWith('<') || labels.Any(l => string.Equals(l.Trim('(', ')'), word.Trim('(', ')'), StringComparison.OrdinalIgnoreCase))
            || word.Any(char.IsDigit))
        {
            return null;
        }

        return word;
    }

    private static Regex LabelPattern(string label) =>
        new(@"(?<![\p{L}\p{N}])" + Regex.Escape(label) + @"(?![\p{L}\p{N}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    [GeneratedRegex(@"\b(always|regardless|whatever|every|no matter|in all cases|for all)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Quantifier();

    [GeneratedRegex(@"\b(answer|answers|reply|respond|response|say|output|choose|pick|select|predict|return|label|classify)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerVerb();

    [GeneratedRegex(@"\b(?:reply|respond|say|answer|output)\s+(?:only\s+|just\s+|always\s+)?with\s+(?:the\s+(?:word|phrase|text|string)\s+)?(?<w>[""'“]?[\p{L}\p{N}<>'-]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyWith();

    [GeneratedRegex(@"\b(?:do not|don't|never|refuse to|must not|should not)\s+(?:(?:ever|directly|actually|even|give|state|reveal|provide|write|include|output|the|your|an|any|final|a)\s+){0,3}answers?\b(?!\s+(?:with|in|as|using|like|inside|outside|without)\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerBan();
}
