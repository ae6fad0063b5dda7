namespace PromptOpt.Optimizers.Expo;

/// <summary>Baseline: always the original meta-prompt (arm 0).</summary>
internal sealed class FixedArmPolicy(int armCount) : IArmPolicy
{
    public double[] Probabilities()
    {
        var p = new double[armCount];
        p[0] = 1;
        return p;
    }

    public void Update(int arm, double reward, double probability)
    {
    }
}

/// <summary>Baseline: a uniformly random arm every step.</summary>
internal sealed class UniformArmPolicy(int armCount) : IArmPolicy
{
    public double[] Probabilities() => Enumerable.Repeat(1.0 / armCount, armCount).ToArray();

    public void Update(int arm, double reward, double probability)
    {
    }
}

/// <summary>
/// Baseline: EXP3 with importance-weighted reward estimates and no network: Ŝ(a) += r_t / P_t(a) for the played arm
/// only; P_t = (1 − γ)·softmax(η·Ŝ) + γ/K.
/// </summary>
internal sealed class Exp3ArmPolicy(int armCount, double eta, double gamma) : IArmPolicy
{
    private readonly double[] _scores = new double[armCount];
    private readonly ExponentialWeightsSampler _sampler = new(eta, gamma);

    public double[] Probabilities() => _sampler.Probabilities(_scores);

    public void Update(int arm, double reward, double probability) => _scores[arm] += reward / Math.Max(probability, 1e-12);
}

/// <summary>
/// Baseline: ε-greedy on the arms' mean observed rewards. With probability 1 − ε the best mean among the arms played so
/// far (ties shared; the original arm before any play), with probability ε a uniformly random arm.
/// </summary>
internal sealed class EpsilonGreedyArmPolicy(int armCount, double epsilon) : IArmPolicy
{
    private readonly double[] _sums = new double[armCount];
    private readonly int[] _counts = new int[armCount];

    public double[] Probabilities()
    {
        var p = Enumerable.Repeat(epsilon / armCount, armCount).ToArray();
        var played = Enumerable.Range(0, armCount).Where(a => _counts[a] > 0).ToArray();
        if (played.Length == 0)
        {
            p[0] += 1 - epsilon;
            return p;
        }

        double best = played.Max(a => _sums[a] / _counts[a]);
        var greedy = played.Where(a => _sums[a] / _counts[a] >= best - 1e-12).ToArray();
        foreach (var a in greedy)
        {
            p[a] += (1 - epsilon) / greedy.Length;
        }

        return p;
    }

    public void Update(int arm, double reward, double probability)
    {
        _sums[arm] += reward;
        _counts[arm]++;
    }
}
