using System.Globalization;
using PromptOpt.Optimizers;

namespace PromptOpt.Bench;

/// <summary>
/// Quality per call on the SIMULATOR, built on <c>promptopt compare</c> (issue 13): every method gets the same task, models,
/// split, budget and start prompt, each (method, seed) is an ordinary resumable run, and the tables report test mean ±
/// s.e., paired Δ against the best method, calls, share of the budget spent, stop reasons and the fraction of the oracle
/// prompt's score. Two budgets (small: 600 task + 20 optimizer calls; large: 3,000 + 60), 5 seeds, six tasks by default:
/// two built-in, two datasets that are candidates for knowledge files (BBH) and two classic ones without (SST-2, Subj);
/// which datasets carry knowledge files is decided by the simulator (v2). Writes
/// <c>bench/results/quality-&lt;budget&gt;.md</c>, <c>.html</c> and <c>quality-curves-&lt;budget&gt;/&lt;task&gt;.svg</c>.
/// </summary>
/// <remarks>
/// Usage: <c>quality [--seeds N] [--tasks a,b] [--methods a,b] [--budgets 600+20,3000+60] [--out DIR] [--store FILE]</c>.
/// Dataset tasks are read from <c>PROMPTOPT_DATASETS</c> or <c>../shared/datasets</c> and skipped (with a note) when
/// missing. The runs live in the store (default: a file under the system temp directory), so an interrupted bench
/// resumes and a repeated one replays from the cache.
/// </remarks>
internal static class QualityBench
{
    /// <summary>The default tasks: 2 built-in, 2 BBH datasets (knowledge-file candidates), 2 classic datasets (no knowledge file).</summary>
    public const string DefaultTasks = "multistep_arithmetic,navigate,bbh_navigate,bbh_causal_judgement,sst2,subj";

    public static async Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Named(args, ["--seeds", "--tasks", "--methods", "--budgets", "--out", "--store"], []);
        int seeds = a.Int("--seeds", 5, min: 1);
        var tasks = (a.Text("--tasks") ?? DefaultTasks).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var methods = string.Join(',', BenchArgs.OneOf(
            (a.Text("--methods") ?? "dual-phase,ape,opro,protegi,gepa,mipro").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            "method", OptimizerRegistry.Names));
        var budgets = (a.Text("--budgets") ?? "600+20,3000+60").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var b in budgets)
        {
            var p = b.Split('+');
            if (p.Length != 2 || !long.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out _) || !long.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new BenchUsageException($"--budgets: expected TASK+OPTIMIZER call counts such as 600+20, not '{b}'");
            }
        }

        var outDir = Path.GetFullPath(a.Text("--out") ?? Path.Combine("bench", "results"));
        var store = Path.GetFullPath(a.Text("--store") ?? Path.Combine(Path.GetTempPath(), "promptopt-bench-quality", "quality.db"));
        var root = Environment.GetEnvironmentVariable("PROMPTOPT_DATASETS") ?? Path.GetFullPath(Path.Combine("..", "shared", "datasets"));

        var taskArgs = new List<string>();
        foreach (var t in tasks)
        {
            var dir = Path.Combine(root, t);
            if (PromptOpt.Data.BuiltIn.BuiltInTasks.IsBuiltIn(t))
            {
                taskArgs.AddRange(["--task", t]);
            }
            else if (Directory.Exists(dir))
            {
                taskArgs.AddRange(["--task", dir]);
            }
            else
            {
                Console.WriteLine($"note: dataset '{t}' not found under {root}; skipped");
            }
        }

        Directory.CreateDirectory(outDir);
        Directory.CreateDirectory(Path.GetDirectoryName(store)!);
        var cli = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "PromptOpt.Cli.exe" : "PromptOpt.Cli");
        var seedList = string.Join(',', Enumerable.Range(1, seeds));
        Console.WriteLine($"# bench quality: SIMULATED, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; methods {methods}; seeds {seedList}; store {store}\n");
        foreach (var budget in budgets)
        {
            var parts = budget.Split('+');
            var label = $"{parts[0]}+{parts[1]}";
            var name = "quality-" + label.Replace('+', '-');
            string[] compare =
            [
                "compare", "--methods", methods, .. taskArgs, "--seeds", seedList, "--task-model", "sim", "--optimizer-model", "sim",
                "--budget-task-calls", parts[0], "--budget-optimizer-calls", parts[1], "--store", store,
                "--out", Path.Combine(outDir, name + ".html"), "--markdown", Path.Combine(outDir, name + ".md"), "--curves-dir", Path.Combine(outDir, name + "-curves"),
            ];
            var result = await ChildProcess.RunAsync(cli, compare, new Dictionary<string, string>(), Directory.GetCurrentDirectory(), TimeSpan.FromHours(6));
            Console.WriteLine($"## budget {label} (wall {result.Wall.TotalSeconds:F0} s, exit {result.ExitCode})\n");
            Console.WriteLine(result.Stdout);
            if (result.ExitCode != 0)
            {
                Console.Error.WriteLine(result.Stderr);
                return result.ExitCode;
            }
        }

        return 0;
    }
}
