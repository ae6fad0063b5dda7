using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>A node (s, u, task) of ALGORITHMS.md 3.2: a user prompt evaluated on the task's V under the current system prompt.</summary>
/// <param name="User">The user prompt template.</param>
/// <param name="Eval">Its evaluation on V under the current system prompt (per-example results give the failures).</param>
/// <param name="CandidateId">The candidate record that introduced the user prompt.</param>
internal sealed record MetaSpoNode(string User, EvaluationResult Eval, int CandidateId)
{
    public double Score => Eval.Score;
}

/// <summary>
/// One source task's state: its own <see cref="OptimizationSession"/> (its V, test set and memoised evaluation) and its
/// beam of user prompts, best first (ALGORITHMS.md 3.2: "the beam is kept sorted").
/// </summary>
internal sealed class MetaSpoTaskState(TaskDefinition task, OptimizationSession session)
{
    public TaskDefinition Task { get; } = task;

    public OptimizationSession Session { get; } = session;

    public List<MetaSpoNode> Beam { get; } = [];

    /// <summary>Gets or sets the start node (initial system and user prompt), once evaluated.</summary>
    public MetaSpoNode? Start { get; set; }

    public MetaSpoNode Best => Beam[0];

    /// <summary>Evaluates a user prompt under a system prompt on this task's V (memoised by the session).</summary>
    public Task<EvaluationResult> EvaluateAsync(string system, string user, CancellationToken cancellationToken) =>
        Session.EvaluateAsync(new Prompt(system, user), Session.TrainSet, cancellationToken);

    /// <summary>Replaces the beam by the top <paramref name="size"/> nodes, best first; a stable sort, so ties keep the earlier (older) node.</summary>
    public void SetBeam(IEnumerable<MetaSpoNode> nodes, int size)
    {
        var kept = nodes.OrderByDescending(n => n.Score).Take(size).ToList();
        Beam.Clear();
        Beam.AddRange(kept);
    }
}

/// <summary>Seeded sampling helpers (ALGORITHMS.md 3.7 pitfall 6: every draw from the run's seeded source).</summary>
internal static class MetaSpoSampling
{
    /// <summary>Draws up to <paramref name="count"/> items without replacement, in draw order.</summary>
    public static List<T> Sample<T>(IReadOnlyList<T> items, int count, Random rng)
    {
        var copy = items.ToArray();
        int n = Math.Min(count, copy.Length);
        for (int i = 0; i < n; i++)
        {
            int j = rng.Next(i, copy.Length);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy.Take(n).ToList();
    }

    /// <summary>The failures of a node as the optimizer sees them.</summary>
    public static IReadOnlyList<FailureCase> Failures(MetaSpoNode node) => FailureCase.FromResults(node.Eval.Results);

    /// <summary>
    /// A failure as the system analyzer sees it (ALGORITHMS.md 3.3, "wrong-example block"): the input is the user prompt
    /// with the question filled in, so pooled failures of different tasks show which task prompt they came from.
    /// </summary>
    public static FailureCase InContext(FailureCase failure, string user) =>
        failure with { Input = user.Replace(Prompt.QuestionPlaceholder, failure.Input, StringComparison.Ordinal) };
}
