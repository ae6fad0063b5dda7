using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Simulation;
using PromptOpt.Tests.TestDoubles;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Optimizers.Expo;

/// <summary>
/// EXPO against its baselines on the simulator with the documented defaults (SimOptions and EXPO options untouched),
/// except the test-setting network of <see cref="ExpoRig"/> (32 hidden units, 20 epochs, 128-d embeddings).
/// </summary>
/// <remarks>
/// <para>The comparison runs the same seeds as <c>bench expo</c> (bench/README.md, "EXPO / EXPO-ES on simulator v2") — 100
/// (1000–1099) on bandit-hard — through the same public path, so the numbers here are rows of
/// those tables. Seeds run in parallel. Differences are paired by seed (same environment, same simulated world); the
/// assertion is mean(baseline − method) &gt; k · s.e.(difference), with <see cref="K"/> = 2 (issue 13: margins of at least
/// 2 s.e. of the observed paired spread; the seeds were fixed before the results were looked at).</para>
/// <para>Simulator v2 (agent model after Krishnamurthy et al. 2024, skills read by the sentence encoder; measured
/// 2026-12-07 00:10 UTC under load ~30): on bandit-hard EXPO's cumulative regret is 6.45 ± 0.91 below the fixed original
/// meta-prompt's (17.40 vs 10.94, t = 7.1, 100 seeds): the basic prompt only exploits, and variants that carry reasoning
/// or exploration avoid that failure. Re-run on main after the v2 merges (2026-12-07 02:43 UTC, load ~55): 5.52 ± 1.08
/// (17.40 vs 11.88, t = 5.1), still far above the 2-s.e. margin; <c>bench expo --bandits</c> (30 seeds, 1000–1029) reads
/// 8.71 ± 2.03 for the same comparison. EXPO does not beat the uniformly random arm on v2 (bench/README.md), so that is
/// not asserted. What no longer holds on v2, and is therefore not asserted: on linreg, neither EXPO
/// (fixed − expo = −1.49 ± 1.23, t = −1.2) nor EXPO-ES (−0.98 ± 1.07, t = −0.9) has a lower cumulative regret
/// Σ(1 − r_t) than the fixed meta-prompt at these 30 seeds (v1: +7.73 ± 2.21 and +5.21 ± 2.68).</para>
/// </remarks>
public class ExpoComparisonTests(ITestOutputHelper output)
{
    /// <summary>The margin in standard errors of the paired difference.</summary>
    private const double K = 2;

    private const int Seeds = 30;

    private const int BanditSeeds = 100;

    private const int Seed0 = 1000;

    /// <summary>
    /// bandit-hard (K = 5, Δ = 0.2, 100 steps): EXPO's cumulative regret Σ(μ* − μ_a) is below the fixed original
    /// meta-prompt's, paired over 100 seeds (1000–1099). On simulator v1 the difference needed all 100 seeds to stand
    /// clear of its standard error (1.76 ± 0.76); on v2 it is 6.45 ± 0.91. Whether EXPO also beats the uniformly random
    /// arm on v2 is left to <c>bench expo</c> (on v1 it did not: +0.16 ± 0.82).
    /// </summary>
    [Fact]
    public async Task BanditHard_Expo_LowerCumulativeRegretThanTheFixedMetaPrompt()
    {
        var fixedPrompt = await FinalRegretAsync("bandit-hard", ExpoNames.Fixed, BanditSeeds);
        var expo = await FinalRegretAsync("bandit-hard", ExpoNames.Expo, BanditSeeds);

        AssertBetter(fixedPrompt, expo, "bandit-hard: fixed − expo"); // observed on simulator v2: 6.45 ± 0.91 (t = 7.1), 5.52 ± 1.08 (t = 5.1) after the v2 merges; v1: 1.76 ± 0.76
    }

    /// <summary>Runs a method on <paramref name="seeds"/> seeds from <see cref="Seed0"/> (in parallel) for 100 steps; returns each seed's final cumulative regret.</summary>
    private static async Task<double[]> FinalRegretAsync(string environment, string method, int seeds = Seeds)
    {
        var settings = new Dictionary<string, string> { ["network-hidden-units"] = "32", ["network-epochs"] = "20" };
        var regret = new double[seeds];
        await Parallel.ForEachAsync(Enumerable.Range(0, seeds), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (s, ct) =>
        {
            int seed = Seed0 + s;
            var request = ExpoRig.CreateRequest(new SimRig(new SimulatedWorld(new SimOptions { Seed = seed }), cache: false), environment, seed, steps: 100);
            var result = await OptimizerRegistry.CreateDecision(method, settings).OptimizeAsync(request, ct);
            var steps = (JsonArray)result.Details["steps"]!;
            Assert.Equal(100, steps.Count);
            regret[s] = (double)steps[^1]!["cumulative_regret"]!;
        });
        return regret;
    }

    /// <summary>Asserts mean(baseline − method) &gt; 0 and &gt; K · s.e., paired by seed.</summary>
    private void AssertBetter(double[] baseline, double[] method, string what)
    {
        var d = baseline.Zip(method, (b, m) => b - m).ToArray();
        double mean = d.Average();
        double se = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1) / d.Length);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {mean:F2} ± {se:F2} (t = {mean / se:F2}); baseline {baseline.Average():F2}, method {method.Average():F2}, {d.Length} seeds"));
        Assert.True(mean > 0 && mean > K * se, string.Create(CultureInfo.InvariantCulture, $"{what}: mean difference {mean:F3} is not above {K} × s.e. {se:F3}"));
    }
}
