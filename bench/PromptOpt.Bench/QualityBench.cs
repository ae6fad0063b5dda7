using System.Diagnostics;
using System.Globalization;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Simulation;
using PromptOpt.Storage;

namespace PromptOpt.Bench;

/// <summary>
/// Quality per call on the SIMULATOR: for each method and task, mean test score ± spread over seeds and the calls used,
/// at equal budgets. Usage: quality [seeds=5] [task-calls=600] [optimizer-calls=20] [tasks=comma list] [methods=comma list].
/// Dataset tasks are read from PROMPTOPT_DATASETS or ../shared/datasets (skipped when missing).
/// </summary>
internal static class QualityBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Positional(args, 5);
        int seeds = a.Int(0, "seeds", 5, min: 1);
        long taskCalls = a.Long(1, "task-calls", 600, min: 1);
        long optimizerCalls = a.Long(2, "optimizer-calls", 20, min: 1);
        var tasks = a.List(3, "multistep_arithmetic,navigate,date_arithmetic,bbh_navigate,trec");
        var methods = BenchArgs.OneOf(a.List(4, "dual-phase,ape,opro,protegi"), "method", OptimizerRegistry.Names);
        var root = Environment.GetEnvironmentVariable("PROMPTOPT_DATASETS") ?? Path.GetFullPath("../shared/datasets");

        Console.WriteLine($"# SIMULATED results (PromptOpt simulator, default SimOptions). {seeds} seeds, budget {taskCalls} task calls + {optimizerCalls} optimizer calls per run, V = 50 train examples, test ≤ 200. {Environment.ProcessorCount} cores.");
        Console.WriteLine("| task | start (one-line) test | " + string.Join(" | ", methods.Select(m => $"{m} test (calls)")) + " |");
        Console.WriteLine("|---|---:|" + string.Concat(methods.Select(_ => "---:|")));
        foreach (var taskName in tasks)
        {
            TaskDefinition task;
            try
            {
                task = TaskCatalog.Resolve(taskName, seed: 1, new TaskResolveOptions { DatasetsRoot = root });
            }
            catch (PromptOptInputException ex)
            {
                Console.WriteLine($"| {taskName} | skipped: {ex.Message} |");
                continue;
            }

            var cells = new List<string>();
            var startScores = new List<double>();
            foreach (var method in methods)
            {
                var runs = new (double Test, double Start, long Calls, double Seconds)[seeds];
                await Parallel.ForEachAsync(Enumerable.Range(0, seeds), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (s, ct) =>
                {
                    var meter = new UsageMeter(new OptimizationBudget { MaxTaskCalls = taskCalls, MaxOptimizerCalls = optimizerCalls });
                    var world = SimulatorModels.CreateWorld([task], options: new SimOptions { Seed = 1000 + s });
                    var pipeline = new ModelPipelineOptions { Usage = meter, Cache = new InMemoryResponseCache(), SimulatorFactory = _ => world.CreateClient(), MaxConcurrency = 8 };
                    var request = new OptimizationRequest
                    {
                        Task = task,
                        TaskModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Task, pipeline),
                        OptimizerModel = ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Optimizer, pipeline),
                        Usage = meter,
                        Seed = s + 1,
                        TrainSize = 50,
                        TestSize = 200,
                    };
                    var sw = Stopwatch.StartNew();
                    var result = await OptimizerRegistry.Create(method).OptimizeAsync(request, ct);
                    var u = meter.Snapshot();
                    runs[s] = (result.BestTestScore ?? 0, result.StartTestScore ?? 0, u.For(ModelRoles.Task).Calls + u.For(ModelRoles.Optimizer).Calls, sw.Elapsed.TotalSeconds);
                });
                startScores.AddRange(runs.Select(r => r.Start));
                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{Mean(runs.Select(r => r.Test)):F3} ± {Sd(runs.Select(r => r.Test)):F3} ({Mean(runs.Select(r => (double)r.Calls)):F0})"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {task.Name} | {Mean(startScores):F3} | {string.Join(" | ", cells)} |"));
        }

        return 0;
    }

    private static double Mean(IEnumerable<double> xs) => xs.DefaultIfEmpty(0).Average();

    private static double Sd(IEnumerable<double> xs)
    {
        var a = xs.ToArray();
        if (a.Length < 2)
        {
            return 0;
        }

        double m = a.Average();
        return Math.Sqrt(a.Sum(x => (x - m) * (x - m)) / (a.Length - 1));
    }
}
