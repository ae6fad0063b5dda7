using System.Collections.Concurrent;
using PromptOpt.Data;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>
/// The task role of SIMULATOR.md v2:
/// p_know = sigmoid(b_task − d_x + Σ_{s required} (a_s·w_s − (1 − a_s)·w_s/2) + Σ_generic a_g·w_g − λ_irr·Σ_{s active, not
/// required} a_s − λ_over·max(0, m − 4) − λ_len·max(0, tokens − L0)/100 − λ_conf·conflicts − Σ_m a_m·w_m·[x needs m's skill] + ω_P),
/// where the framing skill is required by every example. With probability p_know the answer is right, otherwise a guess
/// from the label prior (or a near miss for open answers); obeyed instructions override; without <c>format</c> the answer
/// may be wrapped or unparseable. Analyses are cached per (task, prompt).
/// </summary>
internal sealed class TaskModel(SimulatedWorld world)
{
    public const string NoQuestionReply = "I'm sorry, I could not find a question in your message that I know how to handle.";
    public const string UnparseableReply = "Hmm, that is a tricky question; I would need more context before committing to anything.";
    public const string ReasoningLine = "Let me reason about this carefully, considering each part of the question in turn.";
    private const int MaxCached = 20_000;

    private readonly ConcurrentDictionary<(string Task, string? System, string User, string Turns), PromptAnalysis> _cache = new();

    private SimOptions Options => world.Options;

    public PromptAnalysis Analyze(SimTask task, string? system, string user, IReadOnlyList<(string User, string Assistant)>? turns = null)
    {
        var turnsKey = turns is null or { Count: 0 } ? string.Empty : string.Join("\u0001", turns.Select(t => t.User + "\u0002" + t.Assistant));
        var key = (task.Name, system, user, turnsKey);
        if (_cache.TryGetValue(key, out var hit))
        {
            return hit;
        }

        var analysis = AnalyzeUncached(task, system, user, turns);
        if (_cache.Count > MaxCached)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(key, analysis);
    }

    public ExampleExplanation Explain(PromptAnalysis p, SimTask task, Example example)
    {
        var o = Options;
        var k = task.Knowledge;
        double d = task.Difficulty(example, o);
        var required = task.Required(example, o);
        var requiredNames = required.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var terms = new List<LogitTerm> { new("base", task.Definition.BaseLogit), new("difficulty", -d) };
        var missing = new List<string>();
        foreach (var s in required.Prepend(k.Framing))
        {
            double a = p.Level(s.Name);
            terms.Add(new LogitTerm(s.Kind == SkillKind.Framing ? "framing" : "skill:" + s.Name, (a * s.Weight) - ((1 - a) * s.Weight / 2)));
            if (a < 1)
            {
                missing.Add(s.Name);
            }
        }

        foreach (var g in k.Generic)
        {
            double a = p.Level(g.Name);
            if (a > 0)
            {
                terms.Add(new LogitTerm("generic:" + g.Name, a * g.Weight));
            }
        }

        double distraction = k.Skills.Where(s => !requiredNames.Contains(s.Skill.Name)).Sum(s => p.Level(s.Skill.Name)) + (o.IrrelevantSentenceWeight * p.IrrelevantSentences);
        if (distraction > 0)
        {
            terms.Add(new LogitTerm("distraction", -o.DistractionPenalty * distraction));
        }

        terms.Add(new LogitTerm("overload", -p.OverloadPenalty));
        terms.Add(new LogitTerm("length", -p.LengthPenalty));
        terms.Add(new LogitTerm("conflicts", -p.ConflictPenalty));
        foreach (var m in k.Misconceptions)
        {
            double a = p.Level(m.Name);
            if (a > 0 && m.Skill is { } target && requiredNames.Contains(target))
            {
                terms.Add(new LogitTerm("misconception:" + m.Name, -a * m.Weight));
            }
        }

        terms.Add(new LogitTerm("wording", p.Wording));
        double logit = terms.Sum(t => t.Value);
        double pKnow = 1.0 / (1.0 + Math.Exp(-logit));
        double pCorrect, pParse;
        switch (p.Obeyed?.Kind)
        {
            case ObedienceKind.FixedReply or ObedienceKind.AnswerBan:
                pCorrect = 0;
                pParse = 0;
                break;
            case ObedienceKind.ConstantAnswer:
                pCorrect = Same(p.Obeyed.Reply!, example.Target) ? 1 : 0;
                pParse = 1;
                break;
            default:
                var prior = GuessPrior(p, task, example);
                pCorrect = pKnow + ((1 - pKnow) * (1 - Misled(p, k, requiredNames)) * prior.Where(x => Same(x.Label, example.Target)).Sum(x => x.P));
                pParse = 1 - (o.UnparseableRate * (1 - p.Format));
                break;
        }

        return new ExampleExplanation(p, example.Id, d, [.. requiredNames], missing, terms, logit, pKnow, pCorrect, pParse);
    }

    /// <summary>Answers a task request: finds the example in the last user message, reads the rest as the prompt, draws the answer.</summary>
    public string Respond(string? system, IReadOnlyList<(string User, string Assistant)> turns, string lastUser, int sampleIndex)
    {
        var match = world.Key.Find(lastUser);
        if (match is null)
        {
            return NoQuestionReply;
        }

        var task = match.Entry.Task;
        var example = match.Entry.Example;
        var template = string.Concat(lastUser.AsSpan(0, match.Start), Prompt.QuestionPlaceholder, lastUser.AsSpan(match.Start + match.Length));
        var p = Analyze(task, system, template, turns);
        var e = Explain(p, task, example);
        var o = Options;
        var key = p.Reading.NormalizedText;
        if (p.Obeyed is { Kind: ObedienceKind.FixedReply } fixedReply)
        {
            return fixedReply.Reply ?? UnparseableReply;
        }

        if (p.Obeyed is { Kind: ObedienceKind.AnswerBan })
        {
            return UnparseableReply;
        }

        if (p.Obeyed is { Kind: ObedienceKind.ConstantAnswer } constant)
        {
            return constant.Reply!;
        }

        double u = StableHash.Uniform(o.Seed, key, task.Name, example.Id, sampleIndex, "correct");
        var rng = StableHash.Rng(o.Seed, key, task.Name, example.Id, sampleIndex, "guess");
        var misled = Misled(p, task.Knowledge, e.Required.ToHashSet(StringComparer.Ordinal));
        var answer = u < e.PKnow ? example.Target
            : rng.NextDouble() < misled ? Wrong(task, example, rng)
            : Guess(p, task, example, rng);
        double style = StableHash.Uniform(o.Seed, key, task.Name, example.Id, sampleIndex, "style");
        double notFormat = 1 - p.Format;
        if (style < o.UnparseableRate * notFormat)
        {
            return UnparseableReply;
        }

        if (style < (o.UnparseableRate + o.VerboseRate) * notFormat)
        {
            return "Let me think about this. Based on the information given, my answer is " + answer + ".";
        }

        var body = p.AsksForAnswerTags ? "<answer>" + answer + "</answer>" : answer;
        return p.IsActive(SkillCatalogue.Stepwise) ? ReasoningLine + "\n" + body : body;
    }

    /// <summary>The guess prior over an example's labels: 0.7·uniform + 0.3·bias, shifted towards the demonstrations' labels.</summary>
    internal IReadOnlyList<(string Label, double P)> GuessPrior(PromptAnalysis p, SimTask task, Example example)
    {
        var labels = task.LabelsOf(example);
        if (labels.Count == 0)
        {
            return [];
        }

        var o = Options;
        double biasSum = labels.Sum(l => task.Bias.GetValueOrDefault(l, 1.0 / labels.Count));
        var prior = labels.Select(l => (l, (o.GuessUniformShare / labels.Count) + ((1 - o.GuessUniformShare) * task.Bias.GetValueOrDefault(l, 1.0 / labels.Count) / biasSum))).ToList();
        var shares = labels.Select(l => p.Demonstrations.LabelShares.Where(kv => Same(kv.Key, l)).Sum(kv => kv.Value)).ToList();
        double shareSum = shares.Sum();
        if (shareSum > 0 && p.Demonstrations.PriorShift > 0)
        {
            double w = p.Demonstrations.PriorShift;
            prior = prior.Select((x, i) => (x.l, ((1 - w) * x.Item2) + (w * shares[i] / shareSum))).ToList();
        }

        return prior;
    }

    /// <summary>
    /// The probability that a model that does not know applies a misconception instead of guessing (principle 4: bad
    /// instructions are obeyed): the strongest a_m of the misconceptions whose skill the example needs. It then gives a
    /// wrong answer.
    /// </summary>
    private static double Misled(PromptAnalysis p, TaskKnowledge k, HashSet<string> required) =>
        k.Misconceptions.Where(m => m.Skill is { } s && required.Contains(s)).Select(m => p.Level(m.Name)).DefaultIfEmpty(0).Max();

    /// <summary>A wrong answer: another label of the example, else a near miss.</summary>
    private static string Wrong(SimTask task, Example example, Random rng)
    {
        var others = task.LabelsOf(example).Where(l => !Same(l, example.Target)).ToList();
        return others.Count > 0 ? others[rng.Next(others.Count)] : task.NearMiss(example, rng);
    }

    private string Guess(PromptAnalysis p, SimTask task, Example example, Random rng)
    {
        var prior = GuessPrior(p, task, example);
        if (prior.Count == 0)
        {
            return task.NearMiss(example, rng);
        }

        double u = rng.NextDouble(), acc = 0;
        foreach (var (label, pr) in prior)
        {
            acc += pr;
            if (u < acc)
            {
                return label;
            }
        }

        return prior[^1].Label;
    }

    private PromptAnalysis AnalyzeUncached(SimTask task, string? system, string user, IReadOnlyList<(string User, string Assistant)>? turns)
    {
        var o = Options;
        var k = task.Knowledge;
        var reading = PromptReader.Read(system, user, turns, o.CharsPerToken, input => world.Key.FindExact(input.Trim()).Count > 0);
        var activation = SkillActivation.Activate(reading, k.All, o);
        var demos = DemoEffect(reading, task);
        var levels = Resolve(activation, k);
        levels[SkillCatalogue.Format] = Math.Min(1, levels.GetValueOrDefault(SkillCatalogue.Format) + demos.FormatBoost);
        levels[SkillCatalogue.Stepwise] = Math.Min(1, levels.GetValueOrDefault(SkillCatalogue.Stepwise) + demos.StepwiseBoost);
        var counted = k.Generic.Append(k.Framing).Concat(k.Skills.Select(s => s.Skill)).Concat(k.Misconceptions);
        int m = counted.Count(s => levels.GetValueOrDefault(s.Name) >= o.OverloadActivation);
        double conflicts = SkillCatalogue.ConflictPairs.Sum(c => Math.Min(activation[c.Side], activation[c.Generic]));
        var obeyed = Obedience.Find(reading.Sentences, task.Labels);
        var activeSentences = activation.Contributions.Select(c => c.Unit.Sentence).ToHashSet();
        int irrelevant = Enumerable.Range(0, reading.Sentences.Count).Count(i => !activeSentences.Contains(i));
        double wording = StableHash.Normal(o.Seed, task.Name, reading.NormalizedText, "wording") * o.WordingStdDev;
        return new PromptAnalysis(
            task.Name,
            reading,
            activation,
            levels,
            obeyed,
            demos,
            m,
            o.OverloadPenalty * Math.Max(0, m - o.OverloadFreeSkills),
            o.LengthPenalty * Math.Max(0, reading.Tokens - o.LengthThresholdTokens) / 100.0,
            conflicts,
            o.ConflictPenalty * conflicts,
            wording,
            irrelevant);
    }

    /// <summary>
    /// The levels a_s, where a unit counts for a misconception only when the misconception is the skill it is closest
    /// to, and then not for the skill the misconception corrupts (a sentence means one procedure: the right one or the
    /// wrong one). Other skills: as activated.
    /// </summary>
    private static Dictionary<string, double> Resolve(ActivationResult activation, TaskKnowledge k)
    {
        var levels = new Dictionary<string, double>(activation.Levels, StringComparer.Ordinal);
        var misconceptions = k.Misconceptions.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        if (misconceptions.Count == 0)
        {
            return levels;
        }

        foreach (var name in misconceptions)
        {
            levels[name] = 0;
        }

        var targets = k.Misconceptions.Where(m => m.Skill is not null).Select(m => m.Skill!).ToHashSet(StringComparer.Ordinal);
        foreach (var t in targets)
        {
            levels[t] = 0;
        }

        foreach (var unit in activation.Contributions.GroupBy(c => c.Unit))
        {
            var closest = unit.MaxBy(c => c.Cosine)!;
            foreach (var c in unit)
            {
                bool isMisconception = misconceptions.Contains(c.Skill);
                bool counts = isMisconception ? ReferenceEquals(c, closest)
                    : !targets.Contains(c.Skill) || !misconceptions.Contains(closest.Skill) || k.Misconceptions.First(m => m.Name == closest.Skill).Skill != c.Skill;
                if (counts)
                {
                    levels[c.Skill] = Math.Max(levels.GetValueOrDefault(c.Skill), c.Level);
                }
            }
        }

        return levels;
    }

    private DemonstrationEffect DemoEffect(PromptReading reading, SimTask task)
    {
        var o = Options;
        int correct = 0, wrong = 0;
        double format = 0, stepwise = 0, weightSum = 0;
        var shares = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var demo in reading.Demonstrations)
        {
            var entry = world.Lookup(demo.Input.Trim());
            bool right = entry is null || entry.Task.Definition.Metric.Score(demo.Answer, entry.Example).Score >= 0.5;
            double w = right ? 1 : o.WrongDemoFactor;
            if (right)
            {
                correct++;
            }
            else
            {
                wrong++;
            }

            format += demo.ShowsAnswerForm ? o.DemoFormatBoost * w : 0;
            stepwise += demo.ShowsReasoning ? o.DemoStepwiseBoost * w : 0;
            weightSum += w;
            if (demo.FinalAnswer.Length > 0)
            {
                shares[demo.FinalAnswer] = shares.GetValueOrDefault(demo.FinalAnswer) + w;
            }
        }

        int n = correct + wrong;
        return new DemonstrationEffect(correct, wrong, format, stepwise, shares, n == 0 ? 0 : o.DemoPriorShift * weightSum / n);
    }

    internal static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
