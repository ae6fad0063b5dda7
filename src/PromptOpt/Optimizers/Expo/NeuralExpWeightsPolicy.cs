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
internal sealed class NeuralExpWeightsPolicy : ISpeculativeArmPolicy, IDisposable
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
    private Speculation? _speculation;
    private List<ScoreNetwork>? _spares;
    private DedicatedThreadScheduler? _fitThreads;
    private long _lastFitTicks;

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

    /// <summary>Gets the number of steps whose fit was taken from a speculative fit (for tests).</summary>
    internal int SpeculativeHits { get; private set; }

    public double[] Probabilities() => _sampler.Probabilities(_scores);

    /// <summary>
    /// Starts the fit of the coming <see cref="Update"/> for each reward in <paramref name="rewards"/> while the agent acts
    /// (on copies of the network, each on its own background thread); <see cref="Update"/> keeps the one whose label matches
    /// bit for bit and drops the others.
    /// </summary>
    /// <remarks>
    /// Each copy runs exactly the fit <see cref="Update"/> would run, on the same state and data, so a kept fit is the same
    /// network and the same predictions; nothing draws from the run's random source. Skipped when the fit would draw from
    /// the network's own stream (mini-batches smaller than the arms, cold starts), when fits are deferred (a replay) or
    /// when the run's checkpoints already hold the step's outputs. The copies are made on the fits' threads (the network
    /// does not change until <see cref="Update"/>, which waits for them), so the caller returns at once; the threads are
    /// the policy's own, not the thread pool's (<see cref="DedicatedThreadScheduler"/>), until <see cref="Dispose"/>.
    /// </remarks>
    /// <param name="arm">The arm being played.</param>
    /// <param name="probability">P_t(arm).</param>
    /// <param name="rewards">The rewards the step can score.</param>
    public void Speculate(int arm, double probability, IReadOnlyList<double> rewards)
    {
        _speculation = null;
        bool fullBatch = _options.BatchSize is not { } b || b <= 0 || b >= _inputs.Length;
        if (!fullBatch || !_options.WarmStart || _replay.Deferred > 0 || rewards.Count == 0)
        {
            return;
        }

        var labels = new double[rewards.Count];
        for (int k = 0; k < labels.Length; k++)
        {
            labels[k] = Label(rewards[k], probability);
            if (_replay.IsStoredAfter(Observation(arm, labels[k]), []))
            {
                return; // a replay: the outputs are stored, nothing to fit
            }
        }

        var network = Network;
        _spares ??= [];
        if (_fitThreads is null || _fitThreads.MaximumConcurrencyLevel < labels.Length)
        {
            _fitThreads?.Dispose();
            _fitThreads = new DedicatedThreadScheduler(labels.Length, "PromptOpt EXPO speculative fit");
        }

        var fits = new Task<double[]>[labels.Length];
        for (int k = 0; k < labels.Length; k++)
        {
            if (_spares.Count <= k)
            {
                _spares.Add(network.CreateSpare());
            }

            var spare = _spares[k];
            var (x, y, w) = TrainingSet(arm, labels[k]);
            fits[k] = Task.Factory.StartNew(() =>
            {
                long started = TimeProvider.System.GetTimestamp();
                spare.CopyStateFrom(network);
                spare.Train(x, y, w);
                var predictions = new double[_inputs.Length];
                spare.PredictMany(_inputs, predictions);
                _lastFitTicks = TimeProvider.System.GetTimestamp() - started;
                return predictions;
            }, CancellationToken.None, TaskCreationOptions.None, _fitThreads);
        }

        _speculation = new Speculation(arm, labels, fits);
    }

    /// <summary>Gets how long the last fit and prediction took (wall clock; zero before the first).</summary>
    public TimeSpan LastFitDuration => TimeProvider.System.GetElapsedTime(0, Volatile.Read(ref _lastFitTicks));

    /// <summary>Completes when the speculative fits started by <see cref="Speculate"/> have finished (at once when there are none).</summary>
    /// <returns>A task that never faults; its awaiter continues on the thread pool, never on a fit's thread.</returns>
    public Task SettleAsync() =>
        _speculation is { } s
            ? Task.WhenAll(s.Fits).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.RunContinuationsAsynchronously, TaskScheduler.Default)
            : Task.CompletedTask;

    public void Update(int arm, double reward, double probability)
    {
        double label = Label(reward, probability);
        var (x, y, w) = TrainingSet(arm, label);
        _labelSums[arm] += label;
        _counts[arm]++;

        // A speculative fit for exactly this step (same arm, same label bits) replaces the fit and the predictions. Every
        // speculative fit is waited for first: the spare networks must be free for the next step.
        var speculation = _speculation;
        _speculation = null;
        if (speculation is not null)
        {
            foreach (var f in speculation.Fits)
            {
                try
                {
                    f.Wait();
                }
                catch (AggregateException)
                {
                    // Not the step's failure: a fit that failed is not kept, and the step fits as it would have.
                }
            }
        }

        int hit = speculation is null || speculation.Arm != arm ? -1
            : Array.FindIndex(speculation.Labels, l => BitConverter.DoubleToInt64Bits(l) == BitConverter.DoubleToInt64Bits(label));
        if (hit >= 0 && speculation!.Fits[hit].IsCompletedSuccessfully)
        {
            var predicted = speculation.Fits[hit].Result;
            var spare = _spares![hit];
            _replay.Train(Observation(arm, label), () => Network.ExchangeStateWith(spare)); // the fitted state, without copying it back
            Accumulate(_replay.Outputs([], _inputs.Length, () => predicted));
            SpeculativeHits++;
            return;
        }

        long started = TimeProvider.System.GetTimestamp();
        _replay.Train(Observation(arm, label), () => Network.Train(x, y, w));
        var predictions = _replay.Outputs([], _inputs.Length, () =>
        {
            var outputs = new double[_inputs.Length];
            Network.PredictMany(_inputs, outputs);
            _lastFitTicks = TimeProvider.System.GetTimestamp() - started;
            return outputs;
        });
        Accumulate(predictions);
    }

    /// <summary>Ends the speculative fits' threads (after the fits in flight, if any, have finished).</summary>
    public void Dispose()
    {
        _fitThreads?.Dispose();
        _fitThreads = null;
    }

    private static byte[] Observation(int arm, double label)
    {
        var observation = new byte[sizeof(int) + sizeof(double)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(observation, arm);
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(observation.AsSpan(sizeof(int)), label);
        return observation;
    }

    private double Label(double reward, double probability) =>
        _labels == ExpoLabelMode.ImportanceWeighted ? reward / Math.Max(probability, 1e-12) : reward;

    /// <summary>The fit's rows after adding <paramref name="label"/> to <paramref name="arm"/>: one per played arm, its mean label, weighted by its count.</summary>
    private (double[][] X, double[] Y, double[] W) TrainingSet(int arm, double label)
    {
        int rows = 0;
        for (int a = 0; a < _inputs.Length; a++)
        {
            if (_counts[a] > 0 || a == arm)
            {
                rows++;
            }
        }

        var x = new double[rows][];
        var y = new double[rows];
        var w = new double[rows];
        int r = 0;
        for (int a = 0; a < _inputs.Length; a++)
        {
            double sum = _labelSums[a], count = _counts[a];
            if (a == arm)
            {
                sum += label;
                count++;
            }

            if (count > 0)
            {
                x[r] = _inputs[a];
                y[r] = sum / count;
                w[r++] = count;
            }
        }

        return (x, y, w);
    }

    private void Accumulate(double[] predictions)
    {
        for (int a = 0; a < _inputs.Length; a++)
        {
            _scores[a] += predictions[a];
        }
    }

    private sealed record Speculation(int Arm, double[] Labels, Task<double[]>[] Fits);
}
