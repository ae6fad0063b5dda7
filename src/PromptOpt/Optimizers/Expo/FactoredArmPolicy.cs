namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// The "separate bandits" ablation (ALGORITHMS.md §1.7 (a)): one policy over task descriptions and one over
/// meta-instructions; the joint arm d·k2 + i has probability P_D(d)·P_I(i), and each policy learns from the same reward.
/// </summary>
internal sealed class FactoredArmPolicy(IArmPolicy descriptions, IArmPolicy instructions, int instructionCount) : IArmPolicy
{
    private double[] _pd = [];
    private double[] _pi = [];

    public double[] Probabilities()
    {
        _pd = descriptions.Probabilities();
        _pi = instructions.Probabilities();
        var p = new double[_pd.Length * instructionCount];
        for (int d = 0; d < _pd.Length; d++)
        {
            for (int i = 0; i < instructionCount; i++)
            {
                p[(d * instructionCount) + i] = _pd[d] * _pi[i];
            }
        }

        return p;
    }

    public void Update(int arm, double reward, double probability)
    {
        if (_pd.Length == 0)
        {
            Probabilities();
        }

        int d = arm / instructionCount, i = arm % instructionCount;
        descriptions.Update(d, reward, _pd[d]);
        instructions.Update(i, reward, _pi[i]);
    }
}
