using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Storage;

namespace PromptOpt.Optimizers.Expo;

/// <summary>The exemplar set chosen for one step.</summary>
/// <param name="Selection">The pool indices, or <see langword="null"/> for the environment's default block.</param>
/// <param name="Embedding">g(E) of the rendered block.</param>
/// <param name="Probability">The probability it was chosen with.</param>
/// <param name="Count">The number of exemplars shown.</param>
internal sealed record ExemplarChoice(IReadOnlyList<int>? Selection, double[] Embedding, double Probability, int Count);

/// <summary>
/// EXPO-ES exemplar selection (ALGORITHMS.md §1.3, §5): each step, L candidate sets (random subsets of the pool of the
/// environment's usual exemplar count, each holding the history's best point when so configured; the default block
/// included when so configured) are embedded as rendered
/// text g(E) and scored by the sum of the predictions of the last ≤ <see cref="ExpoOptions.MaxSnapshots"/> network
/// snapshots, S_t(E) = Σ_τ M_ES(g(E); θ_τ); a set is drawn from softmax(η_ES·S_t). After the reward, (g(E_t), r_t) joins
/// the training set, the network is refit and a snapshot is kept.
/// </summary>
/// <remarks>With the run's checkpoints a replay takes each step's candidate scores from them and fits nothing
/// (<see cref="ScoreNetworkReplay"/>). When the pool is no larger than the usual count there is only one possible set (the whole pool), so no
/// choice is made and nothing is learnt that step (e.g. bandits, whose usual block is the whole history).</remarks>
internal sealed class NeuralExemplarSelector(
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    ScoreNetworkOptions network,
    int candidates,
    bool includeDefault,
    bool keepBest,
    int maxSnapshots,
    ExponentialWeightsSampler sampler,
    RunCheckpoints? checkpoints = null)
{
    private readonly List<ScoreNetwork> _snapshots = [];
    private readonly List<double[]> _inputs = [];
    private readonly List<double> _targets = [];
    private ScoreNetwork? _network;
    private ScoreNetworkReplay? _replay;

    /// <summary>Gets the number of snapshots kept.</summary>
    public int SnapshotCount => _snapshots.Count;

    /// <summary>Gets the fits run and the scores replayed from the checkpoints (<see langword="null"/> before the first set was embedded).</summary>
    public ScoreNetworkReplay? Replay => _replay;

    public async Task<ExemplarChoice?> ChooseAsync(DecisionEnvironment environment, Random random, CancellationToken cancellationToken)
    {
        int pool = environment.ExemplarPoolCount, size = environment.DefaultExemplarCount;
        if (pool <= size)
        {
            return null;
        }

        var sets = new List<IReadOnlyList<int>?>();
        if (includeDefault)
        {
            sets.Add(null);
        }

        int? best = keepBest ? environment.BestExemplarIndex : null;
        while (sets.Count < candidates)
        {
            var all = Enumerable.Range(0, pool).ToArray();
            random.Shuffle(all);
            var subset = all.Take(size).ToArray();
            if (best is { } b && Array.IndexOf(subset, b) < 0)
            {
                subset[random.Next(size)] = b; // ExpoOptions.ExemplarSubsetsKeepBest: the best point plus a random rest
            }

            sets.Add(subset);
        }

        var embeddings = await embedder.GenerateAsync(sets.Select(s => environment.RenderExemplars(s)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var xs = embeddings.Select(e => ExpoController.ToDouble(e.Vector.Span)).ToArray();
        var replay = Learner(xs[0].Length);
        var scores = replay.Outputs(xs.SelectMany(x => ScoreNetworkReplay.Bytes(x)).ToArray(), xs.Length, () => SnapshotSums(xs));
        var p = sampler.Probabilities(scores);
        int k = ExponentialWeightsSampler.SampleIndex(p, random);
        return new ExemplarChoice(sets[k], xs[k], p[k], size);
    }

    public void Update(double[] embedding, double reward)
    {
        _inputs.Add(embedding);
        _targets.Add(reward);
        int n = _inputs.Count;
        Learner(embedding.Length).Train([.. ScoreNetworkReplay.Bytes(embedding), .. ScoreNetworkReplay.Bytes([reward])], () =>
        {
            _network ??= new ScoreNetwork(embedding.Length, network);
            _network.Train(_inputs.GetRange(0, n), _targets.GetRange(0, n));
            _snapshots.Add(_network.Snapshot());
            if (_snapshots.Count > maxSnapshots)
            {
                _snapshots.RemoveAt(0);
            }
        });
    }

    /// <summary>
    /// S(E) = Σ_τ M_ES(g(E); θ_τ) per candidate: each snapshot scores all candidates in one batch forward pass, and each
    /// candidate's sum starts at 0 and adds the snapshots' predictions oldest first (as a sequential sum over the snapshots would).
    /// </summary>
    private double[] SnapshotSums(double[][] xs)
    {
        var sums = new double[xs.Length];
        var predictions = new double[xs.Length];
        foreach (var snapshot in _snapshots)
        {
            snapshot.PredictMany(xs, predictions);
            for (int c = 0; c < sums.Length; c++)
            {
                sums[c] += predictions[c];
            }
        }

        return sums;
    }

    private ScoreNetworkReplay Learner(int dimension) =>
        _replay ??= new ScoreNetworkReplay(checkpoints, "expo-es.exemplars", network, dimension, "max-snapshots " + maxSnapshots.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
