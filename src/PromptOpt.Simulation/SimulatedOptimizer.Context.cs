using System.Text.Json.Nodes;
using PromptOpt.Prompts;
using K = PromptOpt.Prompts.OperationArgKeys;

namespace PromptOpt.Simulation;

/// <content>The per-call context: arguments, seeded draws, the diagnosis and the shared edit step.</content>
internal static partial class SimulatedOptimizer
{
    private sealed class Context(SimulatedWorld world, JsonObject args, Random rng, bool dropTag)
    {
        private IReadOnlyList<SimSkill>? _promptSkills;

        public SimulatedWorld World { get; } = world;

        public SimOptions Options => World.Options;

        public JsonObject Args { get; } = args;

        public Random Rng { get; } = rng;

        public PromptTarget Target => OperationArgs.Str(Args[K.Target]) switch
        {
            "system" => PromptTarget.System,
            "whole" => PromptTarget.Whole,
            _ => PromptTarget.User,
        };

        public IReadOnlyList<FailureCase> Failures =>
            OperationArgs.ToFailures(Args[K.Failures]).Take(Math.Max(1, Options.MaxFailuresRead)).ToList();

        /// <summary>Gets the skills a task prompt can carry: generic skills and every registered task's skills.</summary>
        public IReadOnlyList<SimSkill> PromptSkills => _promptSkills ??=
            Options.GenericSkills.Concat(World.Tasks.SelectMany(t => t.Skills)).ToList();

        public SimSkill Generic(string name) => Options.GenericSkills.FirstOrDefault(g => g.Name == name)
            ?? new SimSkill(name, SkillKind.Generic, [name], 0, 1, []);

        /// <summary>Wraps a reply in its tag (or, with <see cref="SimOptions.MissingTagRate"/>, forgets the tag).</summary>
        public string Wrap(string tag, string content) => dropTag ? content : $"<{tag}>\n{content}\n</{tag}>";

        public KeyEntry? Lookup(string input)
        {
            var exact = World.Key.FindExact(input);
            return exact.Count > 0 ? exact[0] : World.Key.Find(input)?.Entry;
        }

        public SimTask? TaskOf(IEnumerable<string> inputs) =>
            inputs.Select(Lookup).FirstOrDefault(e => e is not null)?.Task;

        /// <summary>A random skill of the task (if known) or a generic one: possibly irrelevant.</summary>
        public SimSkill RandomSkill(SimTask? task)
        {
            var pool = Options.GenericSkills.Concat(task?.Skills ?? []).ToList();
            return pool[Rng.Next(pool.Count)];
        }

        /// <summary>
        /// Diagnoses one failure (SIMULATOR.md "analyse failures"): with <paramref name="hitRate"/> a skill the example
        /// needs and the prompt lacks, else a random, possibly irrelevant skill.
        /// </summary>
        public SimSkill Diagnose(FailureCase failure, string? system, string user, PromptTarget target, double hitRate)
        {
            var entry = Lookup(failure.Input);
            if (Rng.NextDouble() < hitRate && Missing(failure, entry, system, user, target) is { Count: > 0 } candidates)
            {
                return candidates[Rng.Next(candidates.Count)];
            }

            return RandomSkill(entry?.Task);
        }

        /// <summary>The skill a sentence rewrite adds: drawn from the lacking skills of all failures, weighted by how many lack it.</summary>
        public SimSkill? DiagnoseFromFailures(string promptText)
        {
            var all = Failures.SelectMany(f => Missing(f, Lookup(f.Input), null, promptText, PromptTarget.Whole)).ToList();
            return all.Count == 0 ? null : all[Rng.Next(all.Count)];
        }

        /// <summary>
        /// What a failure lacks. System target: the generic skills the system prompt lacks (they transfer across tasks).
        /// Otherwise: <c>format</c> first when no answer could be parsed; else the example's required task skills the
        /// user prompt lacks; else the generic skills the prompt lacks.
        /// </summary>
        public List<SimSkill> Missing(FailureCase failure, KeyEntry? entry, string? system, string user, PromptTarget target)
        {
            var full = SkillModel.PromptText(system, user);
            bool GenericActive(SimSkill g) => target switch
            {
                PromptTarget.System => g.IsActiveIn(system),
                _ => g.IsActiveIn(full),
            };
            var missingGeneric = Options.GenericSkills.Where(g => !GenericActive(g)).ToList();
            if (target == PromptTarget.System)
            {
                return missingGeneric;
            }

            if (string.IsNullOrWhiteSpace(failure.Prediction) && missingGeneric.FirstOrDefault(g => g.Name == SimCatalog.Format) is { } format)
            {
                return [format];
            }

            if (entry is not null)
            {
                var text = target == PromptTarget.Whole ? full : user;
                var missingTask = entry.Task.Required(entry.Example, Options).Where(s => !s.IsActiveIn(text)).ToList();
                if (missingTask.Count > 0)
                {
                    return missingTask;
                }
            }

            return missingGeneric;
        }

        /// <summary>
        /// The proposal edit (SIMULATOR.md "propose / generate"): for each named skill the text lacks, add a sentence with
        /// <see cref="SimOptions.AddSkillRate"/>; then paraphrase and harm with their rates.
        /// </summary>
        public string Edit(string text, IReadOnlyList<SimSkill> named, bool isUser)
        {
            foreach (var s in named)
            {
                if (!s.IsActiveIn(text) && Rng.NextDouble() < Options.AddSkillRate)
                {
                    var sentence = SimText.Phrase(s, Rng);
                    text = isUser ? SimText.AddToUser(text, sentence) : SimText.Append(text, sentence);
                }
            }

            return ParaphraseAndHarm(text, isUser);
        }

        public string ParaphraseAndHarm(string text, bool isUser)
        {
            if (Rng.NextDouble() < Options.ParaphraseRate)
            {
                text = SimText.ParaphraseOne(text, Rng, Options.TriggerLossRate, PromptSkills);
            }

            if (Rng.NextDouble() < Options.HarmfulEditRate)
            {
                var harmful = SimText.Harmful(text, Rng, Options.Conflicts);
                text = isUser ? SimText.AddToUser(text, harmful) : SimText.Append(text, harmful);
            }

            return isUser ? MaybeLosePlaceholder(text) : text;
        }

        public string MaybeLosePlaceholder(string text) =>
            Options.PlaceholderLossRate > 0 && Rng.NextDouble() < Options.PlaceholderLossRate
                ? text.Replace(Prompt.QuestionPlaceholder, string.Empty, StringComparison.Ordinal).TrimEnd()
                : text;
    }
}
