namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// EXPO's arm policy (ALGORITHMS.md §1.2 steps 3.1, 3.6, 3.7): P_t ∝ exp(η·S_{t−1}); after each step the network
/// M(·; θ) is refit on the history H = {(x(a_τ), label_τ)} and every arm's cumulative score grows by its prediction,
/// S_t(a) = S_{t−1}(a) + M(x(a); θ_t).
/// </summary>
/// <remarks>
/// Because the arm inputs are fixed, the history is stored per arm (label sum and count) and the fit uses one row per
/// played arm — the mean label, weighted by its count. Its full-batch gradient equals the gradient over all of H, so
/// the training is the same at a fraction of the cost.
/// </remarks>
internal sealed class NeuralExpWeightsPolicy : IArmPolicy
{
    private readonly double[][] _inputs;
    private readonly ScoreNetwork _network;
    private readonly ExponentialWeightsSampler _sampler;
    private readonly ExpoLabelMode _labels;
    private readonly double[] _scores;
    private readonly double[] _labelSums;
    private readonly int[] _counts;

    public NeuralExpWeightsPolicy(double[][] inputs, ScoreNetworkOptions network, double eta, double gamma, ExpoLabelMode labels)
    {
        _inputs = inputs;
        _network = new ScoreNetwork(inputs[0].Length, network);
        _sampler = new ExponentialWeightsSampler(eta, gamma);
        _labels = labels;
        _scores = new double[inputs.Length];
        _labelSums = new double[inputs.Length];
        _counts = new int[inputs.Length];
    }

    /// <summary>Gets the cumulative estimated scores S(a).</summary>
    public IReadOnlyList<double> Scores => _scores;

    /// <summary>Gets the score network.</summary>
    public ScoreNetwork Network => _network;

    public double[] Probabilities() => _sampler.Probabilities(_scores);

    public void Update(int arm, double reward, double probability)
    {
        double label = _labels == ExpoLabelMode.ImportanceWeighted ? reward / Math.Max(probability, 1e-12) : reward;
        _labelSums[arm] += label;
        _counts[arm]++;
        var rows = Enumerable.Range(0, _inputs.Length).Where(a => _counts[a] > 0).ToArray();
        _network.Fit(
            rows.Select(a => _inputs[a]).ToArray(),
            rows.Select(a => _labelSums[a] / _counts[a]).ToArray(),
            rows.Select(a => (double)_counts[a]).ToArray());
        for (int a = 0; a < _inputs.Length; a++)
        {
            _scores[a] += _network.Predict(_inputs[a]);
        }
    }
}
