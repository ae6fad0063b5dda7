using PromptOpt.Data;

namespace PromptOpt.Optimizers;

/// <summary>
/// The two example sets of GEPA and MIPROv2 (ALGORITHMS.md 6): the dev set they score candidates on (GEPA's D_pareto,
/// MIPRO's validation set) and the training examples they learn from (GEPA's feedback minibatches, MIPRO's demos).
/// With a dev split: a seeded sample of <see cref="OptimizationRequest.TrainSize"/> dev examples, and the whole train
/// split. Without one (the built-in tasks): V (<see cref="OptimizationSession.TrainSet"/>, the set every other method
/// scores on) and the rest of the train split; when nothing is left, V for both (DSPy's fallback, valset = trainset).
/// Test examples are never in either.
/// </summary>
internal static class DevSplit
{
    /// <summary>Gets the dev set and the learning set of a run.</summary>
    /// <param name="session">The session.</param>
    /// <returns>The two sets.</returns>
    public static (IReadOnlyList<Example> Dev, IReadOnlyList<Example> Learn) Of(OptimizationSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var request = session.Request;
        var data = request.Task.Dataset;
        if (data.Dev.Count > 0)
        {
            var dev = data.Dev.ToArray();
            new Random(unchecked((request.Seed * 7919) + 29)).Shuffle(dev);
            return (dev.Take(Math.Max(1, request.TrainSize)).ToList(), data.Train.Count > 0 ? data.Train : dev);
        }

        var v = session.TrainSet;
        var ids = v.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var rest = data.Train.Where(e => !ids.Contains(e.Id)).ToList();
        return (v, rest.Count > 0 ? rest : v);
    }
}
