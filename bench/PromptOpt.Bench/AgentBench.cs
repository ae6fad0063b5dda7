using System.Diagnostics;
using System.Globalization;
using PromptOpt.Decision;
using PromptOpt.Simulation;

namespace PromptOpt.Bench;

/// <summary>
/// The simulated agent's bandit behaviours against the calibration targets of SIMULATOR.md "Agent role" (after
/// Krishnamurthy et al. 2024): for each prompt configuration and history rendering, the suffix-failure frequency
/// (the fraction of runs in which the best arm is never chosen in the last half), K·MinFrac (1 = uniform-like) and the
/// cumulative regret, over many seeds. Method-free: no optimizer runs here.
/// </summary>
/// <remarks>
/// <para>Usage: <c>agent [--seeds N] [--seed0 S] [--steps T] [--envs bandit-hard,bandit-easy]</c>. Each seed fixes the
/// environment instance and the simulated world. The prompts are the environment's original meta-prompt plus the
/// sentences of <see cref="Configurations"/> at the end of the task description; the measured activations are printed.</para>
/// </remarks>
internal static class AgentBench
{
    /// <summary>The prompt configurations: a label and the sentences added to the task description.</summary>
    internal static readonly (string Label, string Added)[] Configurations =
    [
        ("basic", ""),
        ("X", " Choose the button that has paid off best so far."),
        ("C", " Think step by step and explain your reasoning before you choose."),
        ("C+A", " Think step by step and explain your reasoning before you choose. First compute the average reward of each button."),
        ("E", " You are a bandit algorithm: balance exploration of uncertain buttons with exploitation of the best one."),
        ("E+C", " You are a bandit algorithm: balance exploration of uncertain buttons with exploitation of the best one. Think step by step and explain your reasoning before you choose."),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var named = BenchArgs.Named(args, ["--seeds", "--seed0", "--steps", "--envs"], []);
        int seeds = named.Int("--seeds", 1000, min: 1), seed0 = named.Int("--seed0", 1000, min: int.MinValue), steps = named.Int("--steps", 100, min: 1);
        var envs = named.Text("--envs") is { } e
            ? BenchArgs.OneOf(e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "environment", EnvironmentCatalog.All.Select(x => x.Name))
            : ["bandit-hard", "bandit-easy"];
        var clock = Stopwatch.StartNew();
        Console.WriteLine("## Simulated agent: bandit behaviours (SIMULATED)\n");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seeds} seeds ({seed0}…{seed0 + seeds - 1}), T = {steps}, {Environment.ProcessorCount} cores."));
        Console.WriteLine("SF = suffix-failure frequency (best arm never chosen in steps T/2+1…T) ± s.e.; K·MinFrac = K · min_a N_a/T, mean over seeds (1 = uniform); regret = Σ(μ* − μ_a), mean ± s.e.\n");
        var probe = EnvironmentCatalog.Create("bandit-hard", 0);
        Console.WriteLine("| configuration | a_E | a_X | a_C | a_A | a_format |\n|---|---:|---:|---:|---:|---:|");
        foreach (var (label, added) in Configurations)
        {
            var a = AgentSkills.Read(BanditHistoryText.Read(Text(probe, added), ((BanditEnvironment)probe).ArmNames).Rest);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {a.Explore:F2} | {a.Exploit:F2} | {a.Reasoning:F2} | {a.Statistics:F2} | {a.Format:F2} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| environment | history | configuration | SF | K·MinFrac | regret |\n|---|---|---|---:|---:|---:|");
        foreach (var env in envs)
        {
            foreach (var rendering in new[] { "raw", "summarized" })
            {
                var name = rendering == "raw" ? env : env + "-summarized";
                foreach (var (label, added) in Configurations)
                {
                    var m = await MeasureAsync(name, added, seeds, seed0, steps);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {env} | {rendering} | {label} | {m.SuffixFailure:F3} ± {m.SuffixFailureSe:F3} | {m.MinFrac:F3} | {m.Regret:F2} ± {m.RegretSe:F2} |"));
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n{clock.Elapsed.TotalSeconds:F0} s."));
        return 0;
    }

    /// <summary>The measures of one configuration over seeds.</summary>
    internal sealed record Measures(double SuffixFailure, double SuffixFailureSe, double MinFrac, double Regret, double RegretSe);

    /// <summary>Runs the simulated agent with the original meta-prompt plus <paramref name="added"/> on <paramref name="seeds"/> seeds (in parallel).</summary>
    internal static Task<Measures> MeasureAsync(string envName, string added, int seeds, int seed0, int steps)
    {
        var sf = new double[seeds];
        var minFrac = new double[seeds];
        var regret = new double[seeds];
        Parallel.For(0, seeds, s =>
        {
            var env = (BanditEnvironment)EnvironmentCatalog.Create(envName, seed0 + s);
            var options = new SimOptions { Seed = seed0 + s };
            for (int t = 0; t < steps; t++)
            {
                env.Step(SimulatedAgent.Act(AgentOperation.Create(env), Text(env, added), options, t));
            }

            sf[s] = env.IsSuffixFailure ? 1 : 0;
            minFrac[s] = env.MinFrac;
            regret[s] = env.CumulativeRegret;
        });
        return Task.FromResult(new Measures(sf.Average(), Se(sf), minFrac.Average(), regret.Average(), Se(regret)));
    }

    private static string Text(DecisionEnvironment env, string added) =>
        new MetaPrompt(env.OriginalTaskDescription + added, env.OriginalMetaInstruction).Render(env.RenderExemplars());

    private static double Se(double[] x)
    {
        double m = x.Average();
        return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Length - 1) / x.Length);
    }
}
