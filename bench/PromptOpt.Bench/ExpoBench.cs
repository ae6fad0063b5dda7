using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Reporting;
using PromptOpt.Simulation;
using PromptOpt.Simulation.SentenceEncoding;

namespace PromptOpt.Bench;

/// <summary>
/// EXPO / EXPO-ES regret and optimality-gap curves on the simulator: every decision method (and the two ablations of
/// ALGORITHMS.md §1.7) in every environment over many seeds, through the public <see cref="IDecisionOptimizer"/>
/// contract. Prints Markdown tables (mean ± standard error at steps 10/25/50/100 and at the final step, the median
/// final value, and paired differences against the fixed original meta-prompt and the uniform arm) and, for the
/// optimization tasks, the anytime optimality gap (mean over steps of log10(1 + best-so-far gap)).
/// </summary>
/// <remarks>
/// <para>Usage: <c>expo [--seeds N] [--steps T] [--envs a,b] [--methods a,b] [--embedder hash|minilm] [--full-network] [--seed0 S] [--svg DIR]
/// [--embedder hash|minilm]</c>. <c>--embedder minilm</c> runs the score networks on all-MiniLM-L6-v2 sentence embeddings
/// (384-d, <see cref="MiniLmEmbeddingGenerator"/>) instead of the hashing embedder.
/// With <c>--svg</c>, each table is also drawn as a curve chart (mean ± one standard error per step over the seeds) into
/// <c>DIR/expo-&lt;env&gt;-&lt;measure&gt;.svg</c>.</para>
/// <para><c>expo --bandits [--envs bandit-hard,bandit-easy] [--horizons 100,300] [--seeds N] [--methods a,b] [--out DIR]</c>: the
/// bandit grid of issue 13 (raw and summarised history, each horizon, suffix failures and MinFrac beside the regret, the
/// best fixed arm in hindsight); see <see cref="ExpoBanditGrid"/>. It writes <c>DIR/bandits-T&lt;horizons&gt;.md</c>.</para>
/// <para>Seed s (s = seed0 … seed0 + N − 1) fixes the environment instance, the simulated world and the method's random
/// choices; every method sees the same N environments, so differences are paired.</para>
/// <para>By default the score networks use the documented test setting (32 hidden units, 20 epochs, 128-d hashing
/// embeddings): the default network (128 units, 50 epochs, 512-d) costs ~50× more per run, which would put the full
/// table far beyond ten minutes on two cores. <c>--full-network</c> uses the defaults.</para>
/// </remarks>
internal static class ExpoBench
{
    private static readonly string[] DefaultEnvs = ["bandit-hard", "bandit-easy", "linreg", "tsp-10"];

    private static readonly (string Label, string Method, Dictionary<string, string> Settings)[] AllMethods =
    [
        ("expo", ExpoNames.Expo, []),
        ("expo-es", ExpoNames.ExpoEs, []),
        ("expo-fixed", ExpoNames.Fixed, []),
        ("expo-uniform", ExpoNames.Uniform, []),
        ("expo-exp3", ExpoNames.Exp3, []),
        ("expo-egreedy", ExpoNames.EpsilonGreedy, []),
        ("expo (separate D, I)", ExpoNames.Expo, new() { ["joint-arms"] = "false" }),
        ("expo (IW labels)", ExpoNames.Expo, new() { ["labels"] = "importance-weighted" }),
        ("expo-es (keep best)", ExpoNames.ExpoEs, new() { ["exemplar-subsets-keep-best"] = "true" }),
    ];

    private static readonly int[] Checkpoints = [10, 25, 50, 100];

    public static async Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Named(args, ["--seeds", "--steps", "--seed0", "--svg", "--envs", "--methods", "--embedder", "--horizons", "--out"], ["--skills", "--full-network", "--bandits"]);
        var envNames = a.Text("--envs") is { } e
            ? BenchArgs.OneOf(e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "environment", EnvironmentCatalog.All.Select(x => x.Name))
            : null;
        if (a.Has("--skills"))
        {
            return await SkillsAsync(envNames ?? ["bandit-hard"], a.Int("--seeds", 40, min: 1), a.Int("--seed0", 1000, min: int.MinValue));
        }

        if (!a.Has("--bandits") && (a.Text("--horizons") is not null || a.Text("--out") is not null))
        {
            throw new BenchUsageException("--horizons and --out belong to --bandits");
        }

        if (a.Has("--bandits") && (a.Text("--steps") is not null || a.Text("--svg") is not null))
        {
            throw new BenchUsageException("--bandits takes --horizons, not --steps, and draws no charts (--svg)");
        }

        int seeds = a.Int("--seeds", 30, min: 1), steps = a.Int("--steps", 100, min: 1), seed0 = a.Int("--seed0", 1000, min: int.MinValue);
        bool full = a.Has("--full-network");
        var svgDir = a.Text("--svg");
        var envs = envNames ?? DefaultEnvs;
        var methods = a.Text("--methods") is { } m
            ? AllMethods.Where(x => BenchArgs.OneOf(m.Split(','), "method", AllMethods.Select(y => y.Label)).Contains(x.Label)).ToArray()
            : AllMethods;
        var network = full ? new Dictionary<string, string>() : new Dictionary<string, string> { ["network-hidden-units"] = "32", ["network-epochs"] = "20" };
        var embedderName = BenchArgs.OneOf([a.Text("--embedder") ?? "hash"], "embedder", ["hash", MiniLmEmbeddingGenerator.Name])[0];
        IEmbeddingGenerator<string, Embedding<float>> embedder = embedderName switch
        {
            "hash" => new HashingEmbeddingGenerator(full ? null : new HashingEmbeddingOptions { Dimensions = 128 }),
            MiniLmEmbeddingGenerator.Name => new MiniLmEmbeddingGenerator(),
            _ => throw new BenchUsageException($"--embedder: expected hash or minilm, got '{embedderName}'"),
        };

        var networkText = full ? "default (128 hidden, 50 epochs, 512-d embeddings)" : "test setting (32 hidden, 20 epochs, 128-d embeddings)";
        if (a.Has("--bandits"))
        {
            var bandits = BenchArgs.OneOf(envNames ?? ["bandit-hard", "bandit-easy"], "environment for --bandits (each is run raw and summarised)", ["bandit-hard", "bandit-easy"]);
            var horizons = (a.Text("--horizons") ?? "100,300").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(h => int.TryParse(h, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 2 ? v : throw new BenchUsageException($"--horizons: each must be an integer ≥ 2, not '{h}'"))
                .ToArray();
            var grid = a.Text("--methods") is null ? methods.Where(x => x.Settings.Count == 0).ToArray() : methods;
            return await ExpoBanditGrid.RunAsync(bandits, horizons.Length > 0 ? horizons : throw new BenchUsageException("--horizons: an empty list"),
                grid, network, embedder, networkText + (embedderName == "hash" ? ", hash embedder" : ", minilm embedder"), a.Int("--seeds", 20, min: 2), seed0, a.Text("--out"));
        }

        Console.WriteLine("## EXPO / EXPO-ES on the simulator (SIMULATED results)\n");
        Console.WriteLine($"{seeds} seeds ({seed0}…{seed0 + seeds - 1}), {steps} steps, network: {(full ? "default (128 hidden, 50 epochs, 512-d embeddings)" : "test setting (32 hidden, 20 epochs, 128-d embeddings)")}, embedder {(embedderName == "hash" ? "hash" : "minilm (384-d all-MiniLM-L6-v2)")}, {Environment.ProcessorCount} cores.");
        Console.WriteLine("Cells: mean ± standard error over the seeds; lower is better. Bandits: cumulative regret Σ(μ* − μ_a). LR: optimality gap (best loss − least-squares loss) " +
            "and cumulative regret Σ(1 − r_t) with r_t = clip(1 − loss/loss_ref, 0, 1). TSP: relative gap to the optimal tour and Σ(1 − r_t) with r_t = optimum/length.\n");
        var total = Stopwatch.StartNew();
        foreach (var env in envs)
        {
            var curves = new Dictionary<string, double[][]>();
            var regrets = new Dictionary<string, double[][]>();
            var times = new Dictionary<string, double>();
            foreach (var (label, method, settings) in methods)
            {
                if (settings.ContainsKey("exemplar-subsets-keep-best") && env.StartsWith("bandit", StringComparison.Ordinal))
                {
                    continue; // a bandit shows its whole history: EXPO-ES chooses no exemplars, so this row would equal expo-es
                }

                var sw = Stopwatch.StartNew();
                var merged = new Dictionary<string, string>(settings);
                foreach (var (k, v) in network)
                {
                    merged[k] = v;
                }

                (curves[label], regrets[label]) = await RunSeedsAsync(env, method, merged, embedder, seeds, seed0, steps);
                times[label] = sw.Elapsed.TotalSeconds;
            }

            bool bandit = env.StartsWith("bandit", StringComparison.Ordinal);
            var measure = bandit ? "cumulative regret Σ(μ* − μ_a)" : env.StartsWith("tsp", StringComparison.Ordinal) ? "optimality gap (relative)" : "optimality gap";
            Console.WriteLine(Table(env + ": " + measure, steps, curves, times));
            WriteChart(svgDir, env, bandit ? "regret" : "gap", measure, curves, seeds, log: !bandit);
            if (!bandit)
            {
                Console.WriteLine(AnytimeTable(env, curves));
                Console.WriteLine(Table(env + ": cumulative regret Σ(1 − r_t) (what EXPO's reward optimises)", steps, regrets, times));
                WriteChart(svgDir, env, "regret", "cumulative regret Σ(1 − r_t)", regrets, seeds, log: false);
            }
        }

        Console.WriteLine($"Total time: {total.Elapsed.TotalMinutes:F1} min.");
        return 0;
    }

    /// <summary>Runs one method on <paramref name="seeds"/> seeds in parallel; returns each seed's per-step measure and cumulative regret.</summary>
    private static async Task<(double[][] Measure, double[][] Regret)> RunSeedsAsync(
        string env, string method, Dictionary<string, string> settings, IEmbeddingGenerator<string, Embedding<float>> embedder, int seeds, int seed0, int steps)
    {
        var curves = new double[seeds][];
        var regrets = new double[seeds][];
        await Parallel.ForEachAsync(Enumerable.Range(0, seeds), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (s, ct) =>
        {
            int seed = seed0 + s;
            var request = SimulatedRequest(seed, steps, embedder, environmentName: env);
            var result = await OptimizerRegistry.CreateDecision(method, settings).OptimizeAsync(request, ct);
            var details = (JsonArray)result.Details["steps"]!;
            curves[s] = Measure(EnvironmentCatalog.Create(env, seed), details);
            regrets[s] = details.Select(x => (double)x!["cumulative_regret"]!).ToArray();
        });
        return (curves, regrets);
    }

    /// <summary>
    /// The landscape behind the numbers: every combination of the v2 agent skills (SIMULATOR.md "Agent role"; the trigger
    /// sentences of <see cref="ExpoLandscapeBench"/>) as one
    /// fixed meta-prompt (the original with one trigger sentence per skill added to its instruction) against the uniform
    /// arm over a simulated 5 × 5 domain: the final cumulative regret (bandits: Σ(μ* − μ_a); LR, TSP: Σ(1 − r_t)), mean ±
    /// s.e. over the seeds.
    /// </summary>
    private static async Task<int> SkillsAsync(string[] envs, int seeds, int seed0)
    {
        // The bandit skills of the landscape bench plus v2's two optimization-loop skills (agent catalogue: refine, diverse).
        string[] names = [.. ExpoLandscapeBench.Names, "refine", "diverse"];
        string[] phrases = [.. ExpoLandscapeBench.Phrases, "Make small adjustments near the best.", "Propose something different from before."];
        int combinations = 1 << names.Length;
        Console.WriteLine($"## Fixed meta-prompts by agent skill (SIMULATED), {seeds} seeds\n");
        foreach (var env in envs)
        {
            var rows = new List<(string Name, double[] Values)>();
            for (int mask = 0; mask < combinations; mask++)
            {
                var extra = string.Join(" ", Enumerable.Range(0, names.Length).Where(b => (mask & (1 << b)) != 0).Select(b => phrases[b]));
                var values = new double[seeds];
                await Parallel.ForEachAsync(Enumerable.Range(0, seeds), async (i, ct) =>
                {
                    var e = EnvironmentCatalog.Create(env, seed0 + i);
                    var meta = new MetaPrompt(e.OriginalTaskDescription, (extra + " " + e.OriginalMetaInstruction).Trim());
                    var world = new SimulatedWorld(new SimOptions { Seed = seed0 + i });
                    await new AgentRunner(world.CreateClient()).RunAsync(e, meta, cancellationToken: ct);
                    values[i] = e.CumulativeRegret;
                });
                var label = string.Join("+", Enumerable.Range(0, names.Length).Where(b => (mask & (1 << b)) != 0).Select(b => names[b]));
                rows.Add((label.Length == 0 ? "(original)" : label, values));
            }

            var (_, uniform) = await RunSeedsAsync(env, ExpoNames.Uniform, [], new HashingEmbeddingGenerator(), seeds, seed0, 100);
            var u = uniform.Select(x => x[^1]).ToArray();
            var table = new StringBuilder($"### {env}: final cumulative regret of each fixed skill combination (100 steps)\n\n| meta-prompt skills | regret | vs expo-uniform ({Pm(Mean(u), Se(u))}) |\n|---|---:|---:|\n");
            foreach (var (name, v) in rows.OrderBy(r => r.Values.Average()))
            {
                table.Append(CultureInfo.InvariantCulture, $"| {name} | {Pm(Mean(v), Se(v))} | {(Mean(v) < Mean(u) ? "better" : "worse")} |\n");
            }

            Console.WriteLine(table);
            Console.WriteLine($"{rows.Count(r => Mean(r.Values) > Mean(u))} of {combinations} fixed combinations have a higher mean regret than the uniform arm.\n");
        }

        return 0;
    }

    /// <summary>
    /// Draws one measure of one environment as curves (mean ± one standard error over the seeds at every step) into
    /// <c>dir/expo-env-file.svg</c>; nothing when <paramref name="dir"/> is <see langword="null"/>. With
    /// <paramref name="log"/> the y axis is log10(1 + value), because optimality gaps span orders of magnitude.
    /// </summary>
    private static void WriteChart(string? dir, string env, string file, string measure, Dictionary<string, double[][]> curves, int seeds, bool log)
    {
        if (dir is null)
        {
            return;
        }

        Directory.CreateDirectory(dir);
        var series = curves.Select(c => new ChartSeries(c.Key, Enumerable.Range(0, c.Value.Min(x => x.Length)).Select(t =>
        {
            var v = c.Value.Select(x => log ? LogGap(x[t]) : x[t]).ToArray();
            return new ChartPoint(t + 1, Mean(v), Se(v));
        }).ToList())
        {
            Markers = false,
            Dashed = c.Key.Contains('('),
        }).ToList();
        var svg = SvgChart.Line(series, new SvgChartOptions
        {
            Title = $"SIMULATED — {env}: {measure}, mean ± s.e. over {seeds} seeds",
            XLabel = $"agent step — SIMULATED, {env}, mean ± s.e. over {seeds} seeds",
            YLabel = log ? $"log10(1 + {measure})" : measure,
            Width = 1120,
            Height = 420,
        });
        var path = Path.Combine(dir, $"expo-{env}-{file}.svg");
        File.WriteAllText(path, svg);
        Console.WriteLine($"(chart: {path})\n");
    }

    /// <summary>The performance measure per step from the report details: regret (bandits) or the optimality gap.</summary>
    private static double[] Measure(DecisionEnvironment env, JsonArray steps) => env switch
    {
        BanditEnvironment => steps.Select(s => (double)s!["cumulative_regret"]!).ToArray(),
        LinearRegressionEnvironment lr => steps.Select(s => (double)s!["best_value"]! - lr.OptimalLoss).ToArray(),
        TspEnvironment tsp => steps.Select(s => ((double)s!["best_value"]! - tsp.ReferenceLength) / tsp.ReferenceLength).ToArray(),
        _ => throw new InvalidOperationException(env.Name),
    };

    private static string Table(string title, int steps, Dictionary<string, double[][]> curves, Dictionary<string, double> times)
    {
        var points = Checkpoints.Where(c => c < steps).Append(steps).Distinct().ToArray();
        var sb = new StringBuilder($"### {title}\n\n| method |");
        foreach (var p in points)
        {
            sb.Append(CultureInfo.InvariantCulture, $" step {p}{(p == steps ? " (final)" : string.Empty)} |");
        }

        sb.Append(" median final | Δ final vs fixed | Δ final vs uniform | time |\n|---|");
        sb.Append(string.Concat(Enumerable.Repeat("---:|", points.Length + 4))).Append('\n');
        curves.TryGetValue("expo-fixed", out var fixedCurves);
        curves.TryGetValue("expo-uniform", out var uniformCurves);
        foreach (var (label, c) in curves)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {label} |");
            foreach (var p in points)
            {
                var v = c.Select(x => x[Math.Min(p, x.Length) - 1]).ToArray();
                sb.Append(CultureInfo.InvariantCulture, $" {Pm(Mean(v), Se(v))} |");
            }

            var final = c.Select(x => x[^1]).ToArray();
            sb.Append(CultureInfo.InvariantCulture, $" {F(Median(final))} | {Paired(final, fixedCurves?.Select(x => x[^1]).ToArray(), label == "expo-fixed")} | {Paired(final, uniformCurves?.Select(x => x[^1]).ToArray(), label == "expo-uniform")} | {times[label]:F0} s |\n");
        }

        sb.Append("\nΔ = this method − the baseline, paired by seed (mean ± s.e., t = mean / s.e.); negative is better.\n");
        return sb.ToString();
    }

    /// <summary>
    /// The anytime view of an optimality gap: per seed, the mean over all steps of log10(1 + best-so-far gap) — how low a
    /// loss a method has reached by each number of agent calls, with every step weighted alike (the log keeps a few
    /// stuck seeds, whose gaps are orders of magnitude larger, from deciding the mean).
    /// </summary>
    private static string AnytimeTable(string env, Dictionary<string, double[][]> gaps)
    {
        static double[] Area(double[][] c) => c.Select(x => x.Average(LogGap)).ToArray();
        var fixedArea = gaps.TryGetValue("expo-fixed", out var f) ? Area(f) : null;
        var uniformArea = gaps.TryGetValue("expo-uniform", out var u) ? Area(u) : null;
        var sb = new StringBuilder($"### {env}: anytime optimality gap — mean over steps of log10(1 + best-so-far gap)\n\n| method | mean | Δ vs fixed | Δ vs uniform |\n|---|---:|---:|---:|\n");
        foreach (var (label, c) in gaps)
        {
            var a = Area(c);
            sb.Append(CultureInfo.InvariantCulture, $"| {label} | {Pm(Mean(a), Se(a))} | {Paired(a, fixedArea, label == "expo-fixed")} | {Paired(a, uniformArea, label == "expo-uniform")} |\n");
        }

        sb.Append("\nΔ = this method − the baseline, paired by seed (mean ± s.e., t = mean / s.e.); negative is better.\n");
        return sb.ToString();
    }

    /// <summary>log10(1 + gap), the scale of the gap charts and the anytime table (a gap below 0 is rounding: 0).</summary>
    private static double LogGap(double gap) => Math.Log10(1 + Math.Max(0, gap));

    private static string Paired(double[] values, double[]? baseline, bool self)
    {
        if (baseline is null || self)
        {
            return "—";
        }

        var d = values.Zip(baseline, (a, b) => a - b).ToArray();
        double se = Se(d);
        return string.Create(CultureInfo.InvariantCulture, $"{Pm(Mean(d), se)} (t = {(se > 0 ? Mean(d) / se : 0):F1})");
    }

    internal static double Mean(double[] v) => v.Average();

    internal static double Se(double[] v)
    {
        if (v.Length < 2)
        {
            return 0;
        }

        double m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1) / v.Length);
    }

    private static double Median(double[] v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
    }

    private static string F(double v) => F(v, Math.Abs(v));

    /// <summary>Formats with decimals chosen by the magnitude <paramref name="scale"/> (0 from 100, 2 from 1, else 3).</summary>
    private static string F(double v, double scale) =>
        v.ToString(scale >= 100 ? "F0" : scale >= 1 ? "F2" : "F3", CultureInfo.InvariantCulture);

    internal static string Pm(double mean, double se)
    {
        double scale = Math.Max(Math.Abs(mean), se);
        return F(mean, scale) + " ± " + F(se, scale);
    }

    /// <summary>A decision request on a fresh simulated world of <paramref name="seed"/> (agent and optimizer roles) for a named or given environment.</summary>
    internal static DecisionRequest SimulatedRequest(
        int seed, int steps, IEmbeddingGenerator<string, Embedding<float>>? embedder, string? environmentName = null, DecisionEnvironment? environment = null)
    {
        var world = new SimulatedWorld(new SimOptions { Seed = seed });
        var meter = new UsageMeter();
        var pipeline = new ModelPipelineOptions { Usage = meter, SimulatorFactory = _ => world.CreateClient() };
        return new DecisionRequest
        {
            EnvironmentName = environmentName,
            Environment = environment,
            AgentModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Agent, pipeline),
            OptimizerModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Optimizer, pipeline),
            Embedder = embedder,
            Usage = meter,
            Seed = seed,
            Steps = steps,
        };
    }
}
