using System.Text.RegularExpressions;
using PromptOpt.Data;

namespace PromptOpt.Simulation;

/// <summary>
/// Derives task skills for a dataset that declares none (SIMULATOR.md: "3 derived skills whose triggers are distinctive
/// content words of its training inputs (deterministic)"). Words: lower-cased runs of letters, at least 4 long, not
/// stop words, not in the task's default instruction or answer-format line (so the one-line prompt does not already
/// carry them), and not in any target (so naming a skill never spells out an answer). A word is distinctive when it occurs in at least 2 inputs (1 for tiny or one-word datasets) and in at
/// most <see cref="SimOptions.DerivedMaxDocumentFrequency"/> of them; words are ranked by document frequency, then
/// alphabetically, and dealt round-robin to the skills. A skill that gets no word is left out.
/// </summary>
internal static partial class DerivedSkills
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "that", "this", "with", "from", "have", "what", "which", "were", "when", "your", "will", "would", "there",
        "their", "they", "them", "then", "than", "into", "about", "after", "before", "because", "been", "being",
        "does", "each", "here", "just", "like", "more", "most", "only", "other", "over", "same", "should", "some",
        "such", "very", "also", "could", "these", "those", "where", "while", "whom", "whose", "many", "much", "both",
        "between", "through", "during", "under", "until", "again", "once", "said", "says", "shall", "must", "might",
        "options", "option", "following", "question", "answer", "input", "output", "true", "false",
    };

    public static IReadOnlyList<SimSkill> Derive(TaskDefinition task, SimOptions options)
    {
        var inputs = task.Dataset.Train.Count > 0 ? task.Dataset.Train : task.Dataset.All.ToList();
        // Target words are excluded too, so an optimizer reply naming a derived skill never spells out an answer.
        var excluded = new HashSet<string>(Words(task.DefaultInstruction + " " + task.AnswerFormat), StringComparer.Ordinal);
        excluded.UnionWith(task.Dataset.All.SelectMany(e => Words(e.Target)));
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in inputs)
        {
            foreach (var w in Words(e.Input).Distinct(StringComparer.Ordinal))
            {
                if (!excluded.Contains(w) && !StopWords.Contains(w))
                {
                    df[w] = df.GetValueOrDefault(w) + 1;
                }
            }
        }

        int needed = Math.Max(0, options.DerivedSkillCount) * Math.Max(1, options.DerivedTriggersPerSkill);
        double maxDf = Math.Max(1, options.DerivedMaxDocumentFrequency * inputs.Count);
        List<string> Pick(int minDf) => df.Where(kv => kv.Value >= minDf && kv.Value <= maxDf)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(needed).Select(kv => kv.Key).ToList();
        var words = Pick(2);
        if (words.Count < needed)
        {
            words = Pick(1);
        }

        var skills = new List<SimSkill>();
        for (int i = 0; i < options.DerivedSkillCount; i++)
        {
            var triggers = words.Where((_, j) => j % options.DerivedSkillCount == i).ToList();
            if (triggers.Count == 0)
            {
                continue;
            }

            var skill = new Data.TaskSkill("derived_" + triggers[0], triggers, options.DerivedSkillRate);
            skills.Add(SimTask.FromTaskSkill(skill, options));
        }

        return skills;
    }

    private static IEnumerable<string> Words(string text) =>
        WordRegex().Matches(text).Select(m => m.Value.ToLowerInvariant()).Where(w => w.Length >= 4);

    [GeneratedRegex(@"\p{L}+", RegexOptions.CultureInvariant)]
    private static partial Regex WordRegex();
}
