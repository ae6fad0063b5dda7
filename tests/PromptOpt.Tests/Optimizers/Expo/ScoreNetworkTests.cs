using PromptOpt.Optimizers.Expo;

namespace PromptOpt.Tests.Optimizers.Expo;

public class ScoreNetworkTests
{
    private static (double[][] X, double[] Y) LinearData(int n, int dim, int seed)
    {
        var rng = new Random(seed);
        var w = Enumerable.Range(0, dim).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var gen = new HashingEmbeddingGenerator(new() { Dimensions = dim });
        var words = new[] { "explore", "average", "best", "refine", "region", "trace", "button", "mean", "small", "new", "pair", "value" };
        var x = Enumerable.Range(0, n)
            .Select(i => gen.Embed(string.Join(" ", Enumerable.Range(0, 6).Select(_ => words[rng.Next(words.Length)]))).Select(v => (double)v).ToArray())
            .ToArray();
        var y = x.Select(xi => 0.5 + xi.Zip(w).Sum(p => p.First * p.Second)).ToArray();
        return (x, y);
    }

    [Fact]
    public void LossAndGradient_SmallNetwork_MatchesFiniteDifferences()
    {
        var net = new ScoreNetwork(6, new ScoreNetworkOptions { HiddenUnits = 5, Seed = 3 });
        var rng = new Random(1);
        var x = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 6).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var y = x.Select(_ => rng.NextDouble()).ToArray();
        var w = x.Select(_ => 0.5 + rng.NextDouble()).ToArray();
        var grad = new double[net.ParameterCount];
        net.LossAndGradient(x, y, w, grad);
        const double h = 1e-6;
        double maxRel = 0;
        for (int k = 0; k < net.ParameterCount; k++)
        {
            double orig = net.Parameters[k];
            net.Parameters[k] = orig + h;
            double up = net.Loss(x, y, w);
            net.Parameters[k] = orig - h;
            double down = net.Loss(x, y, w);
            net.Parameters[k] = orig;
            double numeric = (up - down) / (2 * h);
            double rel = Math.Abs(numeric - grad[k]) / Math.Max(1e-6, Math.Abs(numeric) + Math.Abs(grad[k]));
            maxRel = Math.Max(maxRel, rel);
        }

        Assert.True(maxRel < 1e-4, $"max relative error {maxRel:E2}");
        Assert.Equal(net.Loss(x, y, w), net.LossAndGradient(x, y, w, grad), 12);
    }

    [Fact]
    public void Fit_LinearTargetOfEmbeddings_ReachesLowMse()
    {
        var (x, y) = LinearData(60, 32, 2);
        var net = new ScoreNetwork(32, new ScoreNetworkOptions { HiddenUnits = 32, LearningRate = 3e-3, Seed = 1 });
        double before = net.Loss(x, y);
        double after = net.Fit(x, y, epochs: 400);
        double variance = y.Select(v => (v - y.Average()) * (v - y.Average())).Average();
        Assert.True(after < 0.02 * before, $"before {before:E2} after {after:E2}");
        Assert.True(after < 0.05 * variance + 1e-4, $"mse {after:E2} vs target variance {variance:E2}");
    }

    [Fact]
    public void Fit_WarmStart_ReachesThresholdInFewerEpochsThanCold()
    {
        var (x, y) = LinearData(40, 32, 5);
        var options = new ScoreNetworkOptions { HiddenUnits = 32, LearningRate = 3e-3, Seed = 7 };
        var warm = new ScoreNetwork(32, options);
        warm.Fit(x.Take(30).ToArray(), y.Take(30).ToArray(), epochs: 300);
        var cold = new ScoreNetwork(32, options);
        double threshold = 0.003;

        static int EpochsTo(ScoreNetwork net, double[][] x, double[] y, double threshold)
        {
            for (int e = 1; e <= 2000; e++)
            {
                if (net.Fit(x, y, epochs: 1) < threshold)
                {
                    return e;
                }
            }

            return int.MaxValue;
        }

        int warmEpochs = EpochsTo(warm, x, y, threshold);
        int coldEpochs = EpochsTo(cold, x, y, threshold);
        Assert.True(warmEpochs < coldEpochs, $"warm {warmEpochs} vs cold {coldEpochs} epochs");
        Assert.True(coldEpochs < int.MaxValue);
    }

    [Fact]
    public void Fit_NoWarmStart_ReinitialisesBeforeEachFit()
    {
        var (x, y) = LinearData(20, 16, 1);
        var options = new ScoreNetworkOptions { HiddenUnits = 8, Seed = 2, LearningRate = 3e-3 };
        var cold = new ScoreNetwork(16, options with { WarmStart = false });
        var warm = new ScoreNetwork(16, options);
        cold.Fit(x, y, epochs: 300);
        warm.Fit(x, y, epochs: 300);
        double coldAgain = cold.Fit(x, y, epochs: 1);
        double warmAgain = warm.Fit(x, y, epochs: 1);
        Assert.True(coldAgain > 5 * warmAgain, $"cold {coldAgain:E2} vs warm {warmAgain:E2}");
    }

    [Fact]
    public void Snapshot_LaterTraining_DoesNotChangeTheSnapshot()
    {
        var (x, y) = LinearData(20, 16, 3);
        var net = new ScoreNetwork(16, new ScoreNetworkOptions { HiddenUnits = 8, Seed = 4 });
        net.Fit(x, y);
        var snap = net.Snapshot();
        double before = snap.Predict(x[0]);
        Assert.Equal(net.Predict(x[0]), before);
        net.Fit(x, y, epochs: 100);
        Assert.Equal(before, snap.Predict(x[0]));
        Assert.NotEqual(before, net.Predict(x[0]));
    }

    [Fact]
    public void ExchangeStateWith_FitOnASpare_SameBitsAsFittingInPlaceOrCopyingBack()
    {
        // EXPO's speculative fit: a spare takes the network's state, fits, and the network exchanges states with it.
        var (x, y) = LinearData(25, 16, 3);
        var w = Enumerable.Range(1, 25).Select(i => (double)i).ToArray();
        var options = new ScoreNetworkOptions { HiddenUnits = 8, Seed = 4, Epochs = 7 };
        ScoreNetwork Trained()
        {
            var net = new ScoreNetwork(16, options);
            net.Train(x[..10], y[..10], w[..10]);
            return net;
        }

        var inPlace = Trained();
        inPlace.Train(x, y, w);
        var copied = Trained();
        var spare = copied.CreateSpare();
        spare.CopyStateFrom(copied);
        spare.Train(x, y, w);
        copied.CopyStateFrom(spare);
        var exchanged = Trained();
        var other = exchanged.CreateSpare();
        other.CopyStateFrom(exchanged);
        other.Train(x, y, w);
        exchanged.ExchangeStateWith(other);

        Assert.Equal(Bits(inPlace), Bits(copied));
        Assert.Equal(Bits(inPlace), Bits(exchanged));

        // The Adam state and step count came along: the next fit is the same too.
        inPlace.Train(x, y, w);
        exchanged.Train(x, y, w);
        Assert.Equal(Bits(inPlace), Bits(exchanged));
        var outputs = new double[x.Length];
        var expected = new double[x.Length];
        exchanged.PredictMany(x, outputs);
        inPlace.PredictMany(x, expected);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), outputs.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void CreateSpare_DrawsNothingFromTheNetworksStream()
    {
        var options = new ScoreNetworkOptions { HiddenUnits = 8, Seed = 4 };
        var a = new ScoreNetwork(16, options);
        var b = new ScoreNetwork(16, options);

        var spare = a.CreateSpare();
        a.Reset();
        b.Reset();

        Assert.Equal(Bits(b), Bits(a));
        Assert.All(spare.Parameters.ToArray(), p => Assert.Equal(0, p));
    }

    [Fact]
    public void Ctor_SameSeed_SameInitialisationAndTraining()
    {
        var (x, y) = LinearData(70, 16, 3); // > 64 rows: shuffled mini-batches
        var a = new ScoreNetwork(16, new ScoreNetworkOptions { HiddenUnits = 8, Seed = 9 });
        var b = new ScoreNetwork(16, new ScoreNetworkOptions { HiddenUnits = 8, Seed = 9 });
        Assert.Equal(a.Fit(x, y), b.Fit(x, y));
        Assert.Equal(a.Predict(x[5]), b.Predict(x[5]));
    }

    [Fact]
    public void Predict_WrongLength_Throws()
    {
        var net = new ScoreNetwork(4);
        Assert.Throws<ArgumentException>(() => net.Predict(new double[3]));
        Assert.Equal(128, net.HiddenUnits);
        Assert.Equal((128 * 4) + 128 + 128 + 1, net.ParameterCount);
    }

    private static long[] Bits(ScoreNetwork net) => net.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();
}
