using PromptOpt.Data.BuiltIn;
using PromptOpt.Optimizers.DualPhase;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Optimizers.DualPhase;

public class ExploreTmp(ITestOutputHelper output)
{
    [Fact]
    public async Task Explore()
    {
        foreach (var name in BuiltInTasks.Names)
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                var rig = DualPhaseRig.Create(name, seed: seed);
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var r = await new DualPhaseOptimizer().OptimizeAsync(rig.Request);
                var p0 = r.Candidates.FirstOrDefault(c => c.Operation == "initial_prompt");
                double? p0Test = p0 is null ? null : (await new PromptOpt.Optimizers.OptimizationSession("x", rig.Request).TestScoreAsync(p0.Prompt)).Score;
                output.WriteLine($"{name} seed {seed}: train {r.StartTrainScore:F3}->{r.BestTrainScore:F3} (P0 {p0?.TrainScore:F3}) test {r.StartTestScore:F3}->{r.BestTestScore:F3} (P0 test {p0Test:F3}) acc {r.Details["acceptance_rate"]} stop {r.StopReason} task {rig.TaskCalls} opt {rig.OptimizerCalls} {sw.ElapsedMilliseconds}ms");
            }
        }
    }
}
