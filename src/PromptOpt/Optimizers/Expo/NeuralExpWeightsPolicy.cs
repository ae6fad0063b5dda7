using PromptOpt.Storage;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// EXPO's arm policy (ALGORITHMS.md §1.2 steps 3.1, 3.6, 3.7): P_t ∝ exp(η·S_{t−1}); after each step the network
/// M(·; θ) is refit on the history H = {(x(a_τ), label_τ)} and every arm's cumulative score grows by its prediction,
/// S_t(a) = S_{t−1}(a) + M(x(a); θ_t).
/// </summary>
/// <remarks>
/// Because the arm inputs are fixed, the history is stored per arm (label sum and count) and the fit uses one row per
/// played arm — the mean label, weighted by its count. Its full-batch gradient equals the gradient over all of H, so
/// the training is the same at a fraction of the cost. With the run's checkpoints a replay takes each step's predictions
/// from them and fits nothing (<see cref="ScoreNetworkReplay"/>).
/// </remarks>
internal sealed class NeuralExpWeightsPolicy : IArmPolicy
{
    private readonly double[][] _inputs;
    private readonly ScoreNetworkOptions _options;
    private readonly ExponentialWeightsSampler _sampler;
    private readonly ExpoLabelMode _labels;
    private readonly double[] _scores;
    private readonly double[] _labelSums;
    private readonly int[] _counts;
    private readonly ScoreNetworkReplay _replay;
    private ScoreNetwork? _network;

    /// <summary>Initializes a new instance of the <see cref="NeuralExpWeightsPolicy"/> class.</summary>
    /// <param name="inputs">x(a) per arm.</param>
    /// <param name="network">The network options (seed included).</param>
    /// <param name="eta">η.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="labels">The label mode.</param>
    /// <param name="checkpoints">The run's checkpoints (a replay takes each step's predictions from them), or <see langword="null"/>.</param>
    /// <param name="learner">The policy's name among the run's checkpoints.</param>
    public NeuralExpWeightsPolicy(double[][] inputs, ScoreNetworkOptions network, double eta, double gamma, ExpoLabelMode labels,
        RunCheckpoints? checkpoints = null, string learner = "expo.arms")
    {
        _inputs = inputs;
        _options = network;
        _sampler = new ExponentialWeightsSampler(eta, gamma);
        _labels = labels;
        _scores = new double[inputs.Length];
        _labelSums = new double[inputs.Length];
        _counts = new int[inputs.Length];
        _replay = new ScoreNetworkReplay(checkpoints, learner, network, inputs[0].Length, string.Empty, inputs);
    }

    /// <summary>Gets the cumulative estimated scores S(a).</summary>
    public IReadOnlyList<double> Scores => _scores;

    /// <summary>Gets the fits run and the predictions replayed from the checkpoints.</summary>
    public ScoreNetworkReplay Replay => _replay;

    /// <summary>Gets the score network (created on first use: a replay may never need it).</summary>
    public ScoreNetwork Network => _network ??= new ScoreNetwork(_inputs[0].Length, _options);

    public double[] Probabilities() => _sampler.Probabilities(_scores);

    public void Update(int arm, double reward, double probability)
    {
        double label = _labels == ExpoLabelMode.ImportanceWeighted ? reward / Math.Max(probability, 1e-12) : reward;
        _labelSums[arm] += label;
        _counts[arm]++;
        var rows = Enumerable.Range(0, _inputs.Length).Where(a => _counts[a] > 0).ToArray();
        var x = rows.Select(a => _inputs[a]).ToArray();
        var y = rows.Select(a => _labelSums[a] / _counts[a]).ToArray();
        var w = rows.Select(a => (double)_counts[a]).ToArray();
        var observation = new byte[sizeof(int) + sizeof(double)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(observation, arm);
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(observation.AsSpan(sizeof(int)), label);
        _replay.Train(observation, () => Network.Fit(x, y, w));
        var predictions = _replay.Outputs([], _inputs.Length, () => _inputs.Select(a => Network.Predict(a)).ToArray());
        for (int a = 0; a < _inputs.Length; a++)
        {
            _scores[a] += predictions[a];
        }
    }
}
