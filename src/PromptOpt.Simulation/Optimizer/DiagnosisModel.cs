using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>
/// The one diagnosis model of the optimizer role (SIMULATOR.md v2): every operation that reads failures (analyse
/// failures, textual gradient, rewrite a sentence, system-level analysis, and any new method's reflection) calls it.
/// For each failure (up to <see cref="SimOptions.MaxFailuresRead"/>), with probability <see cref="SimOptions.AnalyzeHitRate"/>
/// it names a skill the failure's example needs and the prompt lacks (a &lt; 0.5): <c>format</c> when the reply could not be
/// parsed and the prompt lacks it, else one of the needed skills (framing, the example's task skills, the kind's
/// generic skills) drawn uniformly; otherwise a random skill of the task's catalogue. A request that pools failures
/// picks by majority (<see cref="DiagnosePooled"/>).
/// </summary>
/// <remarks>Entry point for new operations (e.g. GEPA's reflection): <c>world.Diagnosis.Diagnose(failure, prompt, rng)</c>.</remarks>
public sealed class DiagnosisModel
{
    private readonly SimulatedWorld _world;

    internal DiagnosisModel(SimulatedWorld world) => _world = world;

    /// <summary>Diagnoses one failure.</summary>
    /// <param name="failure">The failure (its input is looked up in the answer key).</param>
    /// <param name="prompt">The prompt that failed (system and user).</param>
    /// <param name="rng">The seeded draw source of the request.</param>
    /// <returns>The named skill.</returns>
    public SkillDescriptor Diagnose(FailureCase failure, Prompt prompt, Random rng)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(rng);
        var entry = _world.Lookup(failure.Input);
        bool hit = rng.NextDouble() < _world.Options.AnalyzeHitRate;
        var catalogue = Catalogue(entry?.Task);
        if (hit && entry is not null)
        {
            var lacking = NeededAndLacking(failure, entry, prompt);
            if (lacking.Count > 0)
            {
                return lacking[rng.Next(lacking.Count)];
            }
        }

        return catalogue[rng.Next(catalogue.Count)];
    }

    /// <summary>Diagnoses pooled failures: one diagnosis per failure, then the skill named most often (ties: first named).</summary>
    /// <param name="failures">The failures (the first <see cref="SimOptions.MaxFailuresRead"/> are read).</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="rng">The draw source.</param>
    /// <returns>The skill, or <see langword="null"/> when there are no failures.</returns>
    public SkillDescriptor? DiagnosePooled(IReadOnlyList<FailureCase> failures, Prompt prompt, Random rng)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var named = failures.Take(Math.Max(1, _world.Options.MaxFailuresRead)).Select(f => Diagnose(f, prompt, rng)).ToList();
        return named.Count == 0 ? null
            : named.GroupBy(s => s.Name, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => named.FindIndex(s => s.Name == g.Key)).First().First();
    }

    /// <summary>Gets whether a skill is needed by the failure's example and lacking (a &lt; 0.5) in the prompt: what a correct diagnosis names.</summary>
    /// <param name="failure">The failure.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="skill">The skill name.</param>
    /// <returns><see langword="true"/> when the skill is needed and lacking.</returns>
    public bool IsNeededAndLacking(FailureCase failure, Prompt prompt, string skill)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var entry = _world.Lookup(failure.Input);
        return entry is not null && NeededAndLacking(failure, entry, prompt).Any(s => s.Name == skill);
    }

    /// <summary>The skills the optimizer can name for a task: the kind's generic skills, framing and task skills.</summary>
    internal static IReadOnlyList<SkillDescriptor> Catalogue(SimTask? task) =>
        task is null
            ? SkillCatalogue.Generic(TaskKind.Reasoning)
            : [.. task.Knowledge.Generic, task.Knowledge.Framing, .. task.Knowledge.Skills.Select(s => s.Skill)];

    private List<SkillDescriptor> NeededAndLacking(FailureCase failure, KeyEntry entry, Prompt prompt)
    {
        var task = entry.Task;
        var analysis = _world.Model.Analyze(task, string.IsNullOrWhiteSpace(prompt.System) ? null : prompt.System, prompt.User);
        bool Lacks(SkillDescriptor s) => analysis.Level(s.Name) < 0.5;
        var format = task.Knowledge.Generic.FirstOrDefault(g => g.Name == SkillCatalogue.Format);
        if (string.IsNullOrWhiteSpace(failure.Prediction) && format is not null && Lacks(format))
        {
            return [format];
        }

        return task.Required(entry.Example, _world.Options).Prepend(task.Knowledge.Framing)
            .Concat(task.Knowledge.Generic)
            .Where(Lacks).ToList();
    }
}
