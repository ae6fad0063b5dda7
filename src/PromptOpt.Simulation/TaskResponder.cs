using System.Globalization;
using PromptOpt.Data;

namespace PromptOpt.Simulation;

/// <summary>
/// The task role (SIMULATOR.md, "Task role: answering an example"). The example is found by its input text in the user
/// messages (<see cref="AnswerKey"/>); the prompt is the request with that input replaced by the placeholder. The
/// draw u = hash(seed, normalised prompt text, task, example id, sample index) decides correct (u &lt; p) or a plausible
/// distractor. How the answer is rendered (our documented choice):
/// <list type="bullet">
/// <item>with <c>format</c> active and the prompt containing <c>&lt;answer&gt;</c>: <c>&lt;answer&gt;X&lt;/answer&gt;</c>,
/// preceded by one line of (answer-free) reasoning when <c>stepwise</c> is also active;</item>
/// <item>with <c>format</c> active and no tags asked for: the bare answer <c>X</c>;</item>
/// <item>without <c>format</c>: with probability <see cref="SimOptions.UnparseableRate"/> a reply with no answer in it,
/// else with probability <see cref="SimOptions.VerboseRate"/> a sentence ending "… my answer is X.", else the bare answer.</item>
/// </list>
/// The reasoning and unparseable texts contain no digits, option letters or label words, so metrics cannot find an
/// answer in them. A request whose input matches no example gets <see cref="NoQuestionReply"/>.
/// </summary>
internal static class TaskResponder
{
    public const string NoQuestionReply = "I'm sorry, I could not find a question in your message that I know how to handle.";
    public const string UnparseableReply = "Hmm, that is a tricky question; I would need more context before committing to anything.";
    public const string ReasoningLine = "Let me reason about this carefully, considering each part of the question in turn.";

    public static string Respond(SimulatedWorld world, string? system, string user, int sampleIndex)
    {
        var match = world.Key.Find(user);
        if (match is null)
        {
            return NoQuestionReply;
        }

        var options = world.Options;
        var task = match.Entry.Task;
        var example = match.Entry.Example;
        var template = SkillModel.UserTemplate(user, match.Start, match.Length);
        var inspection = SkillModel.Inspect(system, template, task, options);
        var explanation = SkillModel.Explain(inspection, task, example, options);
        var promptKey = StableHash.Normalize(SkillModel.PromptText(system, template));

        double u = StableHash.Uniform(options.Seed, promptKey, task.Name, example.Id, sampleIndex, "correct");
        var answer = u < explanation.PCorrect ? example.Target : Distractor(task, example, options.Seed, promptKey, sampleIndex);

        if (inspection.FormatActive)
        {
            if (!inspection.AsksForAnswerTags)
            {
                return answer;
            }

            var tagged = "<answer>" + answer + "</answer>";
            return inspection.IsActive(SimCatalog.Stepwise) ? ReasoningLine + "\n" + tagged : tagged;
        }

        double style = StableHash.Uniform(options.Seed, promptKey, task.Name, example.Id, sampleIndex, "style");
        if (style < options.UnparseableRate)
        {
            return UnparseableReply;
        }

        return style < options.UnparseableRate + options.VerboseRate
            ? "Let me think about this. Based on the information given, my answer is " + answer + "."
            : answer;
    }

    /// <summary>A plausible wrong answer: another choice; a nearby number; another target of the task; a near-miss string.</summary>
    internal static string Distractor(SimTask task, Example example, int seed, string promptKey, int sampleIndex)
    {
        var rng = StableHash.Rng(seed, promptKey, task.Name, example.Id, sampleIndex, "distractor");
        var target = example.Target;
        var choices = example.Choices?.Where(c => !string.Equals(c.Trim(), target.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        if (choices is { Count: > 0 })
        {
            return choices[rng.Next(choices.Count)];
        }

        if (decimal.TryParse(target.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            decimal[] offsets = [1, -1, 2, -2, 10, -10, 3];
            var wrong = number + offsets[rng.Next(offsets.Length)];
            return wrong.ToString(CultureInfo.InvariantCulture);
        }

        var others = task.Targets;
        for (int attempt = 0; attempt < 8 && others.Count > 1; attempt++)
        {
            var other = others[rng.Next(others.Count)];
            if (!string.Equals(other.Trim(), target.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return other;
            }
        }

        return target.Length > 1 ? target[..^1] : target + "x";
    }
}
