using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Simulation;

namespace PromptOpt.Bench;

/// <summary>
/// <c>expo --bandits</c> (issue 13 item 5): EXPO, EXPO-ES and the baselines on the simulated bandits, every combination
/// of environment (bandit-hard, bandit-easy), history rendering (raw, summarised) and horizon T, with the exploration
/// measures of Krishnamurthy et al. 2024 beside the regret and the best fixed arm in hindsight as the reference.
/// </summary>
/// <remarks>
/// <para>Per cell and method, over the seeds: the cumulative regret Σ(μ* − μ_a) at T (mean ± s.e.), the suffix-failure
/// frequency (<see cref="BanditEnvironment.IsSuffixFailure"/>: the best button never chosen in steps ⌊T/2⌋ + 1 … T; ±
/// binomial s.e.), K·MinFrac (<see cref="BanditEnvironment.MinFrac"/>), and paired differences (by seed) against the best
/// fixed arm in hindsight and against the cell's best mean.</para>
/// <para>The best fixed arm in hindsight: every (D, I) arm of the domain EXPO had on that seed (read from EXPO's report,
/// <c>details.arms</c>) is played alone for all T steps in a fresh copy of the same environment with the same simulated
/// world, and the one with the lowest regret on that seed is taken — the comparator of the adversarial-bandit regret
/// that exponential weights bound. Choosing the minimum after the fact also picks up luck, so it is an optimistic
/// reference; the mean over all arms (one arm chosen at random and kept) is printed beside it.</para>
/// <para>For T other than the preset's 100 turns the environment is the catalogue preset with its horizon set to T (so
/// the task description states T turns); nothing else changes.</para>
/// </remarks>
internal static class ExpoBanditGrid
{
    private const string BestFixed = "best fixed arm (hindsight, per seed)";
    private const string MeanFixed = "fixed arm chosen at random (mean of all arms)";

    /// <summary>The measures of one run.</summary>
    /// <param name="SuffixFailure">1 for a suffix failure, else 0 (for the mean-of-arms row: the share of arms failing).</param>
    private readonly record struct RunMeasures(double Regret, double SuffixFailure, double MinFrac);

    /// <summary>Runs the grid and prints (and with <paramref name="outDir"/> writes <c>bandits-T100-300.md</c> (the horizons in the name)) the tables.</summary>
    public static async Task<int> RunAsync(
        string[] envs, int[] horizons, (string Label, string Method, Dictionary<string, string> Settings)[] methods,
        Dictionary<string, string> network, IEmbeddingGenerator<string, Embedding<float>> embedder, string networkText,
        int seeds, int seed0, string? outDir)
    {
        if (!methods.Any(m => m.Method == ExpoNames.Expo && m.Settings.Count == 0))
        {
            throw new BenchUsageException("--bandits needs expo among --methods (the fixed arms are the arms of EXPO's domain)");
        }

        var total = Stopwatch.StartNew();
        var report = new StringBuilder();
        var summary = new List<string>();
        void Emit(string text)
        {
            Console.WriteLine(text);
            report.Append(text).Append('\n');
        }

        Emit("## EXPO / EXPO-ES on the bandits: regret, suffix failures, MinFrac, and the best fixed arm in hindsight (SIMULATED)\n");
        Emit(string.Create(CultureInfo.InvariantCulture,
            $"SIMULATED (simulator v2, default SimOptions). Started {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}, {Environment.ProcessorCount} cores. " +
            $"{seeds} seeds ({seed0}…{seed0 + seeds - 1}), paired by seed; network: {networkText}.\n"));
        Emit("regret = Σ(μ* − μ_a) at step T, mean ± s.e.; SF = suffix-failure frequency (best button never chosen in steps ⌊T/2⌋+1…T) ± binomial s.e.; " +
            "K·MinFrac = K · min_a N_a/T, mean (1 = uniform over buttons, 0 = some button never tried). " +
            "Δ = paired difference of the final regret (this − reference, mean ± s.e., t = mean/s.e.); negative is better. " +
            $"\"{BestFixed}\": each of the 25 (D, I) arms of EXPO's domain played alone for T steps on the same seed, the lowest regret taken after the fact (optimistic: it also picks the luckiest arm).\n");

        foreach (var env in envs)
        {
            foreach (var rendering in new[] { "raw", "summarized" })
            {
                var name = rendering == "raw" ? env : env + "-summarized";
                foreach (var steps in horizons)
                {
                    var cell = Stopwatch.StartNew();
                    var (rows, sameDomain) = await RunCellAsync(name, steps, methods, network, embedder, seeds, seed0);
                    Emit(Table($"{env}, {rendering} history, T = {steps}", rows, sameDomain, cell.Elapsed.TotalSeconds));
                    summary.Add(SummaryRow(env, rendering, steps, rows));
                }
            }
        }

        Emit("### Summary: final regret per cell (mean ± s.e.) and EXPO's paired Δ vs the best fixed arm in hindsight and vs the uniform arm\n");
        Emit("| environment | history | T | expo | expo-es | expo-fixed (original) | expo-uniform | best other baseline | best fixed arm (hindsight) | expo − best fixed arm | expo − uniform | SF expo / original / best arm |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in summary)
        {
            Emit(row);
        }

        Emit(string.Create(CultureInfo.InvariantCulture, $"\nTotal time: {total.Elapsed.TotalMinutes:F1} min; load average at the end {LoadAverage()}."));
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
            var path = Path.Combine(outDir, $"bandits-T{string.Join("-", horizons)}.md");
            await File.WriteAllTextAsync(path, report.ToString());
            Console.WriteLine($"(written: {path})");
        }

        return 0;
    }

    /// <summary>One cell: every method and every fixed arm on every seed (seeds in parallel).</summary>
    private static async Task<(List<(string Label, RunMeasures[] Runs)> Rows, bool SameDomain)> RunCellAsync(
        string envName, int steps, (string Label, string Method, Dictionary<string, string> Settings)[] methods,
        Dictionary<string, string> network, IEmbeddingGenerator<string, Embedding<float>> embedder, int seeds, int seed0)
    {
        var perMethod = methods.ToDictionary(m => m.Label, _ => new RunMeasures[seeds]);
        var best = new RunMeasures[seeds];
        var meanArm = new RunMeasures[seeds];
        var domains = new string[seeds];
        await Parallel.ForEachAsync(Enumerable.Range(0, seeds), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (s, ct) =>
        {
            int seed = seed0 + s;
            JsonArray? arms = null;
            foreach (var (label, method, settings) in methods)
            {
                var env = Create(envName, seed, steps);
                var merged = new Dictionary<string, string>(settings);
                foreach (var (k, v) in network)
                {
                    merged[k] = v;
                }

                var request = ExpoBench.SimulatedRequest(seed, steps, embedder, environment: env);
                var result = await OptimizerRegistry.CreateDecision(method, merged).OptimizeAsync(request, ct);
                var details = (JsonArray)result.Details["steps"]!;
                if (details.Count != steps || Math.Abs((double)details[^1]!["cumulative_regret"]! - env.CumulativeRegret) > 1e-6)
                {
                    throw new InvalidOperationException($"{label} on {envName} seed {seed}: the report ({details.Count} steps) does not match the environment ({env.StepCount} steps)");
                }

                perMethod[label][s] = new(env.CumulativeRegret, env.IsSuffixFailure ? 1 : 0, env.MinFrac);
                if (method == ExpoNames.Expo && settings.Count == 0)
                {
                    arms = (JsonArray)result.Details["arms"]!;
                }
            }

            // Every arm of EXPO's domain alone for all T steps, same seed, same world.
            var fixedRuns = new List<RunMeasures>();
            foreach (var arm in arms!)
            {
                var env = Create(envName, seed, steps);
                var world = new SimulatedWorld(new SimOptions { Seed = seed });
                var pipeline = new ModelPipelineOptions { Usage = new UsageMeter(), SimulatorFactory = _ => world.CreateClient() };
                var agent = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Agent, pipeline);
                var meta = new MetaPrompt((string)arm!["description"]!, (string)arm["instruction"]!);
                await new AgentRunner(agent).RunAsync(env, meta, steps, cancellationToken: ct);
                fixedRuns.Add(new(env.CumulativeRegret, env.IsSuffixFailure ? 1 : 0, env.MinFrac));
            }

            best[s] = fixedRuns.MinBy(r => r.Regret);
            meanArm[s] = new(fixedRuns.Average(r => r.Regret), fixedRuns.Average(r => r.SuffixFailure), fixedRuns.Average(r => r.MinFrac));
            domains[s] = arms!.ToJsonString();
            if (perMethod.TryGetValue("expo-fixed", out var f) && Math.Abs(f[s].Regret - fixedRuns[0].Regret) > 1e-9)
            {
                throw new InvalidOperationException($"{envName} seed {seed}: arm 0 alone ({fixedRuns[0].Regret}) differs from expo-fixed ({f[s].Regret})");
            }
        });

        var rows = methods.Select(m => (m.Label, perMethod[m.Label])).ToList();
        rows.Add((BestFixed, best));
        rows.Add((MeanFixed, meanArm));
        return (rows, domains.Distinct().Count() == 1);
    }

    /// <summary>The catalogue preset with its horizon set to <paramref name="steps"/>.</summary>
    private static BanditEnvironment Create(string name, int seed, int steps)
    {
        var preset = (BanditEnvironment)EnvironmentCatalog.Create(name, seed);
        return preset.Horizon == steps ? preset : new BanditEnvironment(preset.Name, seed, preset.Options with { Horizon = steps });
    }

    private static string Table(string title, List<(string Label, RunMeasures[] Runs)> rows, bool sameDomain, double seconds)
    {
        var bestFixed = rows.Single(r => r.Label == BestFixed).Runs.Select(r => r.Regret).ToArray();
        var bestRow = rows.Where(r => r.Label != BestFixed && r.Label != MeanFixed).MinBy(r => r.Runs.Average(x => x.Regret));
        var sb = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"### {title} (SIMULATED; {seconds:F0} s)\n\n"));
        sb.Append(CultureInfo.InvariantCulture, $"| method | regret | SF | K·MinFrac | Δ vs best fixed arm (hindsight) | Δ vs the cell's best method ({bestRow.Label}) |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var (label, runs) in rows)
        {
            var regret = runs.Select(r => r.Regret).ToArray();
            var sf = runs.Select(r => r.SuffixFailure).ToArray();
            string sfText = string.Create(CultureInfo.InvariantCulture, $"{sf.Average():F2} ± {ExpoBench.Se(sf):F2}");
            sb.Append(CultureInfo.InvariantCulture, $"| {(label == bestRow.Label ? $"**{label}**" : label)} | {ExpoBench.Pm(ExpoBench.Mean(regret), ExpoBench.Se(regret))} | {sfText} | {runs.Average(r => r.MinFrac):F3} | ");
            sb.Append(label == BestFixed ? "—" : Paired(regret, bestFixed)).Append(" | ");
            sb.Append(label == bestRow.Label || label == BestFixed || label == MeanFixed ? "—" : Paired(regret, bestRow.Runs.Select(r => r.Regret).ToArray())).Append(" |\n");
        }

        sb.Append($"\n\"{MeanFixed}\": per seed, the mean over the 25 arms of the regret and K·MinFrac, and as SF the share of arms that fail by suffix. ");
        sb.Append(sameDomain ? "Every seed had the same 25 arms.\n" : "The 25 arms differ between seeds (the simulated optimizer writes them per world).\n");
        return sb.ToString();
    }

    private static string SummaryRow(string env, string rendering, int steps, List<(string Label, RunMeasures[] Runs)> rows)
    {
        double[] R(string label) => rows.SingleOrDefault(r => r.Label == label).Runs?.Select(r => r.Regret).ToArray() ?? [];
        string Cell(string label) => R(label) is { Length: > 0 } v ? ExpoBench.Pm(ExpoBench.Mean(v), ExpoBench.Se(v)) : "—";
        double Sf(string label) => rows.SingleOrDefault(r => r.Label == label).Runs?.Average(r => r.SuffixFailure) ?? double.NaN;
        var others = rows.Where(r => r.Label is "expo-exp3" or "expo-egreedy").ToList();
        var bestOther = others.Count == 0 ? "—" : others.MinBy(r => r.Runs.Average(x => x.Regret)) is var o ? $"{o.Label} {ExpoBench.Pm(o.Runs.Average(x => x.Regret), ExpoBench.Se(o.Runs.Select(x => x.Regret).ToArray()))}" : "—";
        var expo = R("expo");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {env} | {rendering} | {steps} | {Cell("expo")} | {Cell("expo-es")} | {Cell("expo-fixed")} | {Cell("expo-uniform")} | {bestOther} | {Cell(BestFixed)} | {Paired(expo, R(BestFixed))} | {(R("expo-uniform").Length > 0 ? Paired(expo, R("expo-uniform")) : "—")} | {Sf("expo"):F2} / {Sf("expo-fixed"):F2} / {Sf(BestFixed):F2} |");
    }

    private static string Paired(double[] values, double[] baseline)
    {
        var d = values.Zip(baseline, (a, b) => a - b).ToArray();
        double se = ExpoBench.Se(d);
        return string.Create(CultureInfo.InvariantCulture, $"{ExpoBench.Pm(ExpoBench.Mean(d), se)} (t = {(se > 0 ? ExpoBench.Mean(d) / se : 0):F1})");
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
