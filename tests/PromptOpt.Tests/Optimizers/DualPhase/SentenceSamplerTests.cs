using PromptOpt.Optimizers.DualPhase;

namespace PromptOpt.Tests.Optimizers.DualPhase;

public class SentenceSamplerTests
{
    [Fact]
    public void Probabilities_Exp3InitialWeights_AreUniform()
    {
        var s = new SentenceSampler(4, SentenceSampling.Exp3, 0.1);

        var p = s.Probabilities();

        Assert.All(p, x => Assert.Equal(0.25, x, 12));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(1.0, s.Weight(i)));
    }

    [Fact]
    public void Update_EditedSentenceOnly_FollowsEq9()
    {
        var s = new SentenceSampler(4, SentenceSampling.Exp3, 0.1);
        double p = s.Probabilities()[1];

        double delta = s.Update(1, reward: 0.8, probability: p, learningRate: 0.055);

        // w_1 ← w_1·exp(μ·r/(n·p_1)) = exp(0.055·0.8/(4·0.25)).
        Assert.Equal(0.044, delta, 12);
        Assert.Equal(Math.Exp(0.044), s.Weight(1), 12);
        Assert.Equal(1.0, s.Weight(0));
        Assert.Equal(1.0, s.Weight(2));
        Assert.Equal(1.0, s.Weight(3));
    }

    [Fact]
    public void Probabilities_Exp3AfterUpdates_KeepGammaFloorAndSumToOne()
    {
        var s = new SentenceSampler(5, SentenceSampling.Exp3, 0.1);
        for (int k = 0; k < 200; k++)
        {
            s.Update(2, 1.0, s.Probabilities()[2], 0.5);
        }

        var p = s.Probabilities();

        Assert.Equal(1.0, p.Sum(), 9);
        Assert.All(p, x => Assert.True(x >= (0.1 / 5) - 1e-12, $"p {x} below γ/n"));
        Assert.True(p[2] > 0.9);
    }

    [Fact]
    public void Probabilities_SoftmaxWithHugeUpdates_StayFinite()
    {
        var s = new SentenceSampler(3, SentenceSampling.Softmax, 0.1);
        for (int k = 0; k < 50; k++)
        {
            s.Update(0, 1.0, 1e-6, 10); // would overflow exp(exp(·)) without log space and the cap
        }

        var p = s.Probabilities();

        Assert.All(p, x => Assert.True(double.IsFinite(x)));
        Assert.Equal(1.0, p.Sum(), 9);
        Assert.Equal(SentenceSampler.MaxLogWeight, s.LogWeight(0));
        Assert.Equal(1.0, p[0], 9);
    }

    [Fact]
    public void Probabilities_SoftmaxOfUnitWeights_IsUniformAndDiffersFromExp3AfterAnUpdate()
    {
        var soft = new SentenceSampler(2, SentenceSampling.Softmax, 0.1);
        var exp3 = new SentenceSampler(2, SentenceSampling.Exp3, 0.1);
        Assert.Equal(0.5, soft.Probabilities()[0], 12);

        soft.Update(0, 1, 0.5, 1);
        exp3.Update(0, 1, 0.5, 1);

        // log w_0 = 1, w_0 = e. Softmax: e^e/(e^e + e^1); EXP3: 0.9·e/(e + 1) + 0.05.
        Assert.Equal(Math.Exp(Math.E) / (Math.Exp(Math.E) + Math.E), soft.Probabilities()[0], 12);
        Assert.Equal((0.9 * Math.E / (Math.E + 1)) + 0.05, exp3.Probabilities()[0], 12);
    }

    [Fact]
    public void Sample_SeededRandom_FollowsProbabilities()
    {
        var s = new SentenceSampler(3, SentenceSampling.Exp3, 0.1);
        s.Update(1, 1, 1.0 / 3, 3); // make sentence 1 clearly heavier
        var p = s.Probabilities();
        var rng = new Random(42);
        var counts = new int[3];

        for (int k = 0; k < 4000; k++)
        {
            var (i, pi) = s.Sample(rng);
            Assert.Equal(p[i], pi, 12);
            counts[i]++;
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.InRange(counts[i] / 4000.0, p[i] - 0.03, p[i] + 0.03);
        }
    }
}
