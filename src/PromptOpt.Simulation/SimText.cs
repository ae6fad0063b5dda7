using System.Text.RegularExpressions;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>The text edits the simulated optimizer makes: add a sentence, paraphrase a sentence, add a harmful one.</summary>
internal static partial class SimText
{
    /// <summary>Picks one of a skill's phrasings.</summary>
    public static string Phrase(SimSkill skill, Random rng) =>
        skill.Phrasings.Count > 0
            ? skill.Phrasings[rng.Next(skill.Phrasings.Count)]
            : Capitalize(skill.Triggers[rng.Next(skill.Triggers.Count)]) + ".";

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

    /// <summary>Paraphrases one editable sentence of <paramref name="text"/> (losing its triggers with <paramref name="lossRate"/>).</summary>
    public static string ParaphraseOne(string text, Random rng, double lossRate, IReadOnlyList<SimSkill> skills)
    {
        var view = SentenceView.Parse(text);
        var editable = view.EditableIndices;
        if (editable.Count == 0)
        {
            return text;
        }

        int i = editable[rng.Next(editable.Count)];
        return view.WithSentence(i, ParaphraseSentence(view[i].Text, rng, lossRate, skills)).Join();
    }

    /// <summary>
    /// Paraphrases a sentence: with <paramref name="lossRate"/> a sentence carrying triggers becomes a vague neutral one
    /// (the triggers are lost); otherwise one synonym is swapped outside trigger phrases, or an opener is added.
    /// </summary>
    public static string ParaphraseSentence(string sentence, Random rng, double lossRate, IReadOnlyList<SimSkill> skills)
    {
        var protectedSpans = new List<(int Start, int End)>();
        foreach (var trigger in skills.SelectMany(s => s.Triggers).Concat(SimCatalog.Conflicts.SelectMany(c => c.SideA.Concat(c.SideB))))
        {
            if (trigger.Length == 0)
            {
                continue;
            }

            for (int at = sentence.IndexOf(trigger, StringComparison.OrdinalIgnoreCase); at >= 0; at = sentence.IndexOf(trigger, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                protectedSpans.Add((at, at + trigger.Length));
            }
        }

        bool hasTrigger = skills.Any(s => s.IsActiveIn(sentence));
        if (hasTrigger && rng.NextDouble() < lossRate)
        {
            return SimCatalog.NeutralSentences[rng.Next(SimCatalog.NeutralSentences.Count)];
        }

        var swaps = new List<(int Start, int Length, string To)>();
        foreach (var (a, b) in SimCatalog.Synonyms)
        {
            foreach (var (from, to) in new[] { (a, b), (b, a) })
            {
                foreach (Match m in Regex.Matches(sentence, @"\b" + Regex.Escape(from) + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
                {
                    if (!protectedSpans.Any(s => m.Index < s.End && s.Start < m.Index + m.Length))
                    {
                        swaps.Add((m.Index, m.Length, char.IsUpper(sentence[m.Index]) ? Capitalize(to) : to));
                    }
                }
            }
        }

        if (swaps.Count > 0)
        {
            var (start, length, replacement) = swaps[rng.Next(swaps.Count)];
            return string.Concat(sentence.AsSpan(0, start), replacement, sentence.AsSpan(start + length));
        }

        var marker = ListMarker().Match(sentence);
        var body = sentence[marker.Length..];
        if (body.Length > 1 && char.IsUpper(body[0]) && char.IsLower(body[1]))
        {
            body = char.ToLowerInvariant(body[0]) + body[1..];
        }

        return sentence[..marker.Length] + SimCatalog.ParaphraseOpeners[rng.Next(SimCatalog.ParaphraseOpeners.Count)] + body;
    }

    /// <summary>A harmful edit: a sentence contradicting an instruction already present, else one side of a random conflict.</summary>
    public static string Harmful(string text, Random rng, IReadOnlyList<SimConflict> conflicts)
    {
        if (conflicts.Count == 0)
        {
            return SimCatalog.NeutralSentences[rng.Next(SimCatalog.NeutralSentences.Count)];
        }

        var contradicting = new List<string>();
        foreach (var c in conflicts)
        {
            if (SkillMatcher.IsActive(text, c.SideA) && !SkillMatcher.IsActive(text, c.SideB))
            {
                contradicting.AddRange(c.SideB);
            }
            else if (SkillMatcher.IsActive(text, c.SideB) && !SkillMatcher.IsActive(text, c.SideA))
            {
                contradicting.AddRange(c.SideA);
            }
        }

        if (contradicting.Count == 0)
        {
            var c = conflicts[rng.Next(conflicts.Count)];
            contradicting.AddRange(rng.Next(2) == 0 ? c.SideA : c.SideB);
        }

        var phrase = contradicting[rng.Next(contradicting.Count)];
        return phrase.StartsWith('<') ? "Write the result inside " + phrase + " tags." : Capitalize(phrase) + ".";
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
