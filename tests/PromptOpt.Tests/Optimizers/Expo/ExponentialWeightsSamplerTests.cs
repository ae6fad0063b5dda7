using PromptOpt.Optimizers.Expo;

namespace PromptOpt.Tests.Optimizers.Expo;

public class ExponentialWeightsSamplerTests
{
    [Fact]
    public void Probabilities_EqualScores_Uniform()
    {
        var p = new ExponentialWeightsSampler(2.0).Probabilities([3, 3, 3, 3]);
        Assert.All(p, x => Assert.Equal(0.25, x, 12));
    }

    [Fact]
    public void Probabilities_EtaZero_UniformWhateverTheScores()
    {
        var p = new ExponentialWeightsSampler(0).Probabilities([0, 10, -5, 100]);
        Assert.All(p, x => Assert.Equal(0.25, x, 12));
    }

    [Fact]
    public void Probabilities_LargeEta_GreedyOnTheBestScore()
    {
        var p = new ExponentialWeightsSampler(1e5).Probabilities([0.1, 0.5, 0.49]);
        Assert.Equal(1.0, p[1], 6);
    }

    [Fact]
    public void Probabilities_HugeScores_StableAndNormalised()
    {
        var p = new ExponentialWeightsSampler(1).Probabilities([1e6, 1e6 - 1, -1e6]);
        Assert.All(p, x => Assert.False(double.IsNaN(x)));
        Assert.Equal(1.0, p.Sum(), 12);
        Assert.Equal(Math.E / (1 + Math.E), p[0], 9);
    }

    [Fact]
    public void Probabilities_GammaMix_FloorsEveryArm()
    {
        var p = new ExponentialWeightsSampler(1000, gamma: 0.2).Probabilities([0, 1, 0, 0]);
        Assert.Equal(0.05, p[0], 9);
        Assert.Equal(0.8 + 0.05, p[1], 9);
    }

    [Fact]
    public void DefaultEta_IsSqrtEightLnKOverT()
    {
        Assert.Equal(Math.Sqrt(8 * Math.Log(25) / 100), ExponentialWeightsSampler.DefaultEta(25, 100), 12);
        Assert.Equal(0, ExponentialWeightsSampler.DefaultEta(1, 10));
    }

    [Fact]
    public void Sample_ManyDraws_FrequenciesMatchProbabilities()
    {
        var sampler = new ExponentialWeightsSampler(1);
        double[] scores = [0, Math.Log(3)];
        var rng = new Random(5);
        int ones = 0;
        for (int i = 0; i < 4000; i++)
        {
            ones += sampler.Sample(scores, rng, out var p) == 1 ? 1 : 0;
        }

        Assert.InRange(ones / 4000.0, 0.72, 0.78);
    }

    [Fact]
    public void SampleIndex_ZeroProbabilityArm_NeverDrawn()
    {
        var rng = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            Assert.NotEqual(1, ExponentialWeightsSampler.SampleIndex([0.5, 0, 0.5], rng));
        }
    }

    [Fact]
    public void Ctor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialWeightsSampler(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialWeightsSampler(1, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialWeightsSampler(double.NaN));
    }
}
