using System.Globalization;
using System.Text;
using PromptOpt.Decision;
using PromptOpt.Simulation;

namespace PromptOpt.Bench;

/// <summary>
/// Why EXPO does not beat the uniformly random arm on the simulated bandits (issue 6, and again on simulator v2): how much one step's meta-prompt
/// can change the agent's expected reward, state by state, against the noise of the reward EXPO learns from.
/// </summary>
/// <remarks>
/// <para>Usage: <c>expo-landscape [--seeds N] [--seed0 S] [--env bandit-hard|bandit-easy|bandit-hard-summarized|bandit-easy-summarized] [--draws K]</c>.</para>
/// <para>For each seed, one history is played by switching uniformly at random between the sixteen combinations of the
/// bandit skills of simulator v2 (<c>explore</c> E, <c>exploit</c> X, <c>stats</c> A, <c>reason</c> C; SIMULATOR.md "Agent
/// role"; <c>reason</c> added for v2, whose agent needs C for every behaviour but exploit-only and ε-greedy), each a trigger sentence added
/// to the original meta-instruction — the history an EXPO run with an uninformed network sees. At fixed steps t, every
/// combination is asked for the next action K times (K choice draws of the simulated agent in that same state), which
/// gives its exact-in-expectation immediate regret μ* − E[μ_a] in that state. Nothing is tuned: default
/// <see cref="SimOptions"/>, the environment presets of ALGORITHMS.md §5.</para>
/// <para>Read with the <c>expo --skills</c> table (whole runs with one fixed combination) and the exponential-weights
/// regret bound printed at the end.</para>
/// </remarks>
internal static class ExpoLandscapeBench
{
    /// <summary>The v2 agent skills (SIMULATOR.md "Agent role"), one trigger sentence each (also used by <c>expo --skills</c>).</summary>
    internal static readonly string[] Names = ["explore", "exploit", "stats", "reason"];

    /// <summary>The trigger sentence of each of <see cref="Names"/>.</summary>
    internal static readonly string[] Phrases = ["Explore options you have not tried.", "Exploit the best so far.", "Compute the average reward of each option.",
        "Think step by step and explain your reasoning before you choose."];

    private static readonly int Combinations = 1 << Names.Length;

    private static readonly int[] Checkpoints = [3, 10, 25, 50, 75, 95];

    public static Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Named(args, ["--seeds", "--seed0", "--draws", "--env"], []);
        int seeds = a.Int("--seeds", 100, min: 1), seed0 = a.Int("--seed0", 5000, min: int.MinValue), draws = a.Int("--draws", 40, min: 1);
        string envName = BenchArgs.OneOf([a.Text("--env") ?? "bandit-hard"], "bandit environment", ["bandit-hard", "bandit-easy", "bandit-hard-summarized", "bandit-easy-summarized"])[0];
        var regret = new double[Combinations][][];
        for (int m = 0; m < Combinations; m++)
        {
            regret[m] = Checkpoints.Select(_ => new double[seeds]).ToArray();
        }

        var mixed = Checkpoints.Select(_ => new double[seeds]).ToArray();
        Parallel.For(0, seeds, s =>
        {
            var env = (BanditEnvironment)EnvironmentCatalog.Create(envName, seed0 + s);
            var options = new SimOptions { Seed = seed0 + s };
            var rng = new Random(seed0 + s);
            double best = env.Means.Max(), worst = env.Means.Min();
            for (int t = 0; t < env.Horizon; t++)
            {
                int c = Array.IndexOf(Checkpoints, t);
                if (c >= 0)
                {
                    var op = AgentOperation.Create(env);
                    for (int m = 0; m < Combinations; m++)
                    {
                        var text = Text(env, m);
                        double sum = 0;
                        for (int k = 0; k < draws; k++)
                        {
                            int a = env.ParseArm(SimulatedAgent.Act(op, text, options, 1_000_000 + k));
                            sum += a < 0 ? best - worst : best - env.Means[a];
                        }

                        regret[m][c][s] = sum / draws;
                    }

                    mixed[c][s] = Enumerable.Range(0, Combinations).Average(m => regret[m][c][s]);
                }

                env.Step(SimulatedAgent.Act(AgentOperation.Create(env), Text(env, rng.Next(Combinations)), options, t));
            }
        });

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"### {envName}: expected immediate regret μ* − E[μ_a] of one step, by meta-prompt skills (SIMULATED)\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{seeds} seeds ({seed0}…{seed0 + seeds - 1}), history played by switching uniformly among the {Combinations} combinations, {draws} choice draws per state; mean ± s.e. over seeds; a uniformly random button has {(Preset(envName).Means.Max() - Preset(envName).Means.Average()):F3}.\n\n");
        sb.Append("| meta-prompt skills |").Append(string.Concat(Checkpoints.Select(t => $" t = {t} |"))).Append('\n');
        sb.Append("|---|").Append(string.Concat(Checkpoints.Select(_ => "---:|"))).Append('\n');
        for (int m = 0; m < Combinations; m++)
        {
            var label = string.Join("+", Enumerable.Range(0, Names.Length).Where(b => (m & (1 << b)) != 0).Select(b => Names[b]));
            sb.Append(CultureInfo.InvariantCulture, $"| {(label.Length == 0 ? "(none: the original)" : label)} |");
            foreach (var v in regret[m])
            {
                sb.Append(CultureInfo.InvariantCulture, $" {ExpoBench.Pm(ExpoBench.Mean(v), ExpoBench.Se(v))} |");
            }

            sb.Append('\n');
        }

        sb.Append($"| *mixing (mean of the {Combinations})* |").Append(string.Concat(mixed.Select(v => $" {ExpoBench.Pm(ExpoBench.Mean(v), ExpoBench.Se(v))} |"))).Append("\n\n");

        // The best combination's advantage per step over mixing, and what it takes to see it through a 0/1 reward.
        sb.Append("| step | best combination | its advantage δ over mixing (expected reward per step) | pulls of it for δ to be 2 s.e. of its mean 0/1 reward, (2·0.5/δ)² |\n|---:|---|---:|---:|\n");
        for (int c = 0; c < Checkpoints.Length; c++)
        {
            int bestM = Enumerable.Range(0, Combinations).MinBy(m => regret[m][c].Average());
            double delta = mixed[c].Average() - regret[bestM][c].Average();
            var label = string.Join("+", Enumerable.Range(0, Names.Length).Where(b => (bestM & (1 << b)) != 0).Select(b => Names[b]));
            string need = delta > 0 ? Math.Pow(2 * 0.5 / delta, 2).ToString("F0", CultureInfo.InvariantCulture) : "∞";
            sb.Append(CultureInfo.InvariantCulture, $"| {Checkpoints[c]} | {(label.Length == 0 ? "(none)" : label)} | {delta:F3} | {need} |\n");
        }

        int arms = 25, horizon = Preset(envName).Horizon;
        sb.Append(CultureInfo.InvariantCulture, $"\nExponential weights with full information (EXPO's Hedge rate η = sqrt(8 ln K / T), ALGORITHMS.md §5) guarantee a regret of at most sqrt(T ln K / 2) = {Math.Sqrt(horizon * Math.Log(arms) / 2):F1} reward against the best *fixed* arm in hindsight (K = {arms}, T = {horizon}), and only if the network's estimates were the true rewards.\n");
        Console.WriteLine(sb);
        return Task.FromResult(0);
    }

    private static BanditEnvironment Preset(string name) => (BanditEnvironment)EnvironmentCatalog.Create(name, 0);

    /// <summary>The agent's request as <see cref="AgentRunner"/> renders it, with the combination's trigger sentences before the original instruction.</summary>
    private static string Text(BanditEnvironment env, int mask)
    {
        var extra = string.Join(" ", Enumerable.Range(0, Names.Length).Where(b => (mask & (1 << b)) != 0).Select(b => Phrases[b]));
        return new MetaPrompt(env.OriginalTaskDescription, (extra + " " + env.OriginalMetaInstruction).Trim()).Render(env.RenderExemplars());
    }
}
