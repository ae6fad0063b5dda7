using System.Globalization;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.MetaSpo;
using PromptOpt.Simulation;
using PromptOpt.Storage;

namespace PromptOpt.Bench;

/// <summary>
/// MetaSPO on the SIMULATOR: the unseen-generalization table (Default / CoT / MetaSPO per domain) and the test-time
/// adaptation curve, per suite and seed, with calls used. Usage: metaspo [seeds=3] [suites=comma list of yaml files] [tta=true].
/// </summary>
internal static class MetaSpoBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Positional(args, 3);
        int seeds = a.Int(0, "seeds", 3, min: 1);
        var suites = a.List(1, "examples/metaspo-builtin.yaml,examples/suites/review.yaml,examples/suites/reasoning.yaml,examples/suites/safety.yaml");
        bool tta = a.Bool(2, "tta", true);
        Console.WriteLine($"# SIMULATED results (PromptOpt simulator, default SimOptions). MetaSPO defaults (N = 3, 9 system candidates, beam 3), train 50 / test 200 per task, {seeds} seeds; TTA = {tta}.");
        foreach (var path in suites)
        {
            TaskSuite suite;
            try
            {
                suite = TaskSuiteLoader.Load(path);
            }
            catch (PromptOptInputException ex)
            {
                Console.WriteLine($"\n## {path}: skipped ({ex.Message})");
                continue;
            }

            var results = new OptimizationResult[seeds];
            var calls = new long[seeds];
            await Parallel.ForEachAsync(Enumerable.Range(0, seeds), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (s, ct) =>
            {
                var resolved = suite.Resolve(seed: 1);
                var meter = new UsageMeter();
                var world = SimulatorModels.CreateWorld(resolved.All, options: new SimOptions { Seed = 2000 + s });
                var pipeline = new ModelPipelineOptions { Usage = meter, Cache = new InMemoryResponseCache(), SimulatorFactory = _ => world.CreateClient(), MaxConcurrency = 8 };
                var request = new OptimizationRequest
                {
                    Task = resolved.Source[0],
                    SourceTasks = resolved.Source,
                    UnseenTasks = resolved.Unseen,
                    TaskModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Task, pipeline),
                    OptimizerModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Optimizer, pipeline),
                    Usage = meter,
                    Seed = s + 1,
                    TrainSize = 50,
                    TestSize = 200,
                };
                var optimizer = new MetaSpoOptimizer(new MetaSpoOptions { TestTimeAdaptation = tta });
                results[s] = await optimizer.OptimizeAsync(request, ct);
                var u = meter.Snapshot();
                calls[s] = u.Total.Calls;
            });

            Console.WriteLine($"\n## {suite.Name} ({path})");
            for (int s = 0; s < seeds; s++)
            {
                var d = results[s].Details;
                var unseen = MetaSpoTable.FromJson(d[MetaSpoDetails.UnseenTable]);
                var ttaTable = MetaSpoTable.FromJson(d[MetaSpoDetails.TtaTable]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n### seed {s + 1} — {calls[s]:N0} model calls (all roles, incl. protocols)\n"));
                Console.WriteLine(unseen?.ToMarkdown() ?? "(no unseen table)");
                if (ttaTable is not null)
                {
                    Console.WriteLine();
                    Console.WriteLine(ttaTable.ToMarkdown());
                }
            }
        }

        return 0;
    }
}
