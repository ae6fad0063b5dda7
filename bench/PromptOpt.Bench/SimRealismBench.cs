using System.Diagnostics;
using System.Globalization;
using System.Text;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Simulation.SentenceEncoding;

namespace PromptOpt.Bench;

/// <summary>
/// <c>bench sim-realism [--datasets DIR] [--seed N]</c>: the SIMULATED realism table of SIMULATOR.md v2 (rows: the
/// suite's prompts; columns: tasks), as expected scores (mean p(correct)·p(parseable), no sampling) with the default
/// wording term, on the test split topped up with train to ≥ 200 examples; then the cost of featurising a new prompt
/// (reading + encoding + activation), which must stay ≤ 50 ms.
/// </summary>
internal static class SimRealismBench
{
    public static Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Named(args, ["--datasets", "--seed"], []);
        var root = a.Text("--datasets") ?? Environment.GetEnvironmentVariable("PROMPTOPT_DATASETS") ?? Path.GetFullPath(Path.Combine("..", "shared", "datasets"));
        int seed = a.Int("--seed", 42, min: int.MinValue);
        var tasks = new List<TaskDefinition> { BuiltInTasks.Create("multistep_arithmetic", seed, 100, 300), BuiltInTasks.Create("navigate", seed, 100, 300) };
        foreach (var d in new[] { "bbh_navigate", "bbh_causal_judgement", "bbh_sports_understanding" })
        {
            if (Directory.Exists(Path.Combine(root, d)))
            {
                tasks.Add(TaskCatalog.FromDirectory(Path.Combine(root, d)));
            }
        }

        var load = Stopwatch.StartNew();
        _ = MiniLmEncoder.Shared.Encode("warm up");
        load.Stop();
        var world = new SimulatedWorld(tasks, new SimOptions { Seed = seed });
        var rows = new List<string>();
        var cells = new Dictionary<(string Row, string Task), double>();
        foreach (var t in tasks)
        {
            var cell = t.Dataset.Test.Count >= 200 ? t.Dataset.Test : [.. t.Dataset.Test, .. t.Dataset.Train];
            var suite = RealismSuite.For(world, t, MostFrequentBinaryLabel(t)).Select(r => (r.Name, r.Prompt)).ToList();
            suite.Add(("frequent words + format", RealismSuite.Of(t.DefaultInstruction, RealismSuite.FrequentWords(t), t.AnswerFormat)));
            suite.Add(("one-liner + 3 demos", RealismSuite.WithDemos(RealismSuite.Of(t.DefaultInstruction), t.Dataset.Train.Take(3).Select(e => (e.Input, e.Target)))));
            foreach (var (name, prompt) in suite)
            {
                var row = name.StartsWith("always ", StringComparison.Ordinal) ? "always <majority label>" : name;
                if (!rows.Contains(row))
                {
                    rows.Add(row);
                }

                cells[(row, t.Name)] = world.ExpectedScore(prompt, t.Name, cell);
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine($"SIMULATED realism table (simulator v2, seed {seed}; expected score on ≥ 200 examples per cell; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {LoadAverage()})");
        sb.AppendLine();
        sb.AppendLine("| prompt | " + string.Join(" | ", tasks.Select(t => t.Name)) + " |");
        sb.AppendLine("|---|" + string.Concat(tasks.Select(_ => "---:|")));
        foreach (var row in rows)
        {
            sb.AppendLine($"| {row} | " + string.Join(" | ", tasks.Select(t => cells.TryGetValue((row, t.Name), out var v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—")) + " |");
        }

        Console.Write(sb.ToString());

        // Featurising a new prompt: reading, encoding its new sentences and activating the task's catalogue (no cache hits for its sentences).
        var task = tasks[0];
        var times = new List<double>();
        for (int i = 0; i < 30; i++)
        {
            var prompt = RealismSuite.Of(
                $"Evaluate the expression carefully, case {i}.",
                $"Work out each parenthesised group first, then combine them ({i} groups at most).",
                $"Keep track of the signs of negative numbers, variant {i}.",
                $"Write down the intermediate value of group {i} before combining.",
                task.AnswerFormat);
            var sw = Stopwatch.StartNew();
            _ = world.Analyze(prompt, task.Name);
            sw.Stop();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine();
        Console.WriteLine($"featurise a new prompt (5 new sentences + their clauses, {world.GetKnowledge(task.Name).All.Count} skills): median {times[times.Count / 2]:0.0} ms, p90 {times[(int)(times.Count * 0.9)]:0.0} ms (encoder load {load.ElapsedMilliseconds} ms once per process)");
        return Task.FromResult(0);
    }

    private static string? MostFrequentBinaryLabel(TaskDefinition t) =>
        t.Dataset.All.All(e => e.Choices is { Count: 2 })
            ? t.Dataset.Test.GroupBy(e => e.Target).OrderByDescending(g => g.Count()).First().Key
            : null;

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
