using System.Globalization;
using PromptOpt.Prompts;

namespace PromptOpt.Optimizers.Baselines;

/// <summary>Small helpers the three baselines (APE, OPRO, ProTeGi) share; the run machinery itself is <see cref="OptimizationSession"/>.</summary>
internal static class BaselineSupport
{
    /// <summary>The stop reason of a run that ran all its steps.</summary>
    public const string Completed = "completed";

    /// <summary>The stop reason of a run stopped by its budget (<see cref="Models.BudgetExhaustedException"/>).</summary>
    public const string Budget = "budget";

    /// <summary>Caps a planned call count by the budget's limit for the role, so the announced estimate is what the run can really use.</summary>
    /// <param name="planned">The planned calls.</param>
    /// <param name="limit">The budget's limit, or <see langword="null"/>.</param>
    /// <returns>The estimate.</returns>
    public static long Cap(long planned, long? limit) => limit is { } l ? Math.Min(planned, Math.Max(0, l)) : planned;

    /// <summary>Creates the shared LLM operations for a run; a dropped candidate becomes a <see cref="RunNotice"/>.</summary>
    /// <param name="session">The session.</param>
    /// <param name="temperature">The optimizer temperature.</param>
    /// <param name="maxHistory">OPRO's history size (ignored by the other operations).</param>
    /// <returns>The operations.</returns>
    public static PromptOperations CreateOperations(OptimizationSession session, float temperature = 1.0f, int maxHistory = 20) =>
        new(session.Request.OptimizerModel, new PromptOperationOptions
        {
            Temperature = temperature,
            MaxHistory = maxHistory,
            OnDrop = d => session.Emit(new RunNotice($"{session.Method}: dropped a '{d.Operation}' reply (sample {d.SampleIndex.ToString(CultureInfo.InvariantCulture)}): {d.Reason}")),
        });

    /// <summary>
    /// Gives a generated user prompt the start prompt's system part: the baselines optimize the user prompt only and never
    /// touch <see cref="Prompt.System"/> (MetaSPO's test-time adaptation relies on it).
    /// </summary>
    /// <param name="generated">The generated prompt (its user part is used).</param>
    /// <param name="system">The fixed system prompt.</param>
    /// <returns>The prompt.</returns>
    public static Prompt WithSystem(Prompt generated, string? system) =>
        generated.System == system ? generated : new Prompt(system, generated.User);

    /// <summary>The identity of a prompt for de-duplication (system and user, exact).</summary>
    /// <param name="prompt">The prompt.</param>
    /// <returns>The key.</returns>
    public static string Key(Prompt prompt) => prompt.Key;

    /// <summary>Awaits all tasks (so none is left running when one throws) and returns their results in order.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tasks">The started tasks.</param>
    /// <returns>The results, in order.</returns>
    public static async Task<IReadOnlyList<T>> WhenAllAsync<T>(IReadOnlyList<Task<T>> tasks) =>
        await Task.WhenAll(tasks).ConfigureAwait(false);

    /// <summary>Draws <paramref name="count"/> distinct items in random order with the run's random source.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="rng">The run's random source.</param>
    /// <param name="items">The items.</param>
    /// <param name="count">How many (all, shuffled, when there are fewer).</param>
    /// <returns>The sample.</returns>
    public static List<T> Sample<T>(Random rng, IReadOnlyList<T> items, int count)
    {
        var copy = items.ToArray();
        rng.Shuffle(copy);
        return copy.Take(Math.Max(0, count)).ToList();
    }

    /// <summary>Formats a score for notes and step details.</summary>
    /// <param name="score">The score.</param>
    /// <returns>The text.</returns>
    public static string F(double score) => score.ToString("0.000", CultureInfo.InvariantCulture);
}
