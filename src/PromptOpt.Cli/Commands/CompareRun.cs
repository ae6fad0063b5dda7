using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Compare;
using PromptOpt.Reporting;

namespace PromptOpt.Cli.Commands;

/// <summary>The body of <c>promptopt compare</c>: validate everything, pre-flight on a real endpoint, run, tabulate, report.</summary>
internal static class CompareRun
{
    /// <summary>Tokens assumed per optimizer call in the real-endpoint pre-flight estimate (input, output): a meta-prompt with failures.</summary>
    internal const int OptimizerInputTokens = 1500;

    /// <summary>Output tokens assumed per optimizer call in the pre-flight estimate.</summary>
    internal const int OptimizerOutputTokens = 400;

    /// <summary>Output tokens assumed per task call in the pre-flight estimate.</summary>
    internal const int TaskOutputTokens = 60;

    /// <summary>Runs the command.</summary>
    /// <param name="context">The context.</param>
    /// <param name="args">The parsed command line.</param>
    /// <param name="cancellationToken">Ctrl-C.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(CliContext context, CompareArgs args, CancellationToken cancellationToken)
    {
        // 1. Validate every input before the first model call (bad input → one line, exit 2).
        var fromFile = args.SpecPath is null ? new RunSpec() : RunSpecLoader.Load(args.SpecPath, context.WorkingDirectory);
        var shared = fromFile.OverrideWith(args.Flags);
        var methods = ParseMethods(args.Methods);
        var seeds = ParseSeeds(args.Seeds ?? CompareCommand.DefaultSeeds);
        var tasks = args.Tasks.Count > 0 ? args.Tasks.ToList()
            : shared.Task is { } t ? [t]
            : throw new PromptOptInputException("no task: give --task (repeatable) or 'task:' in the spec (see 'promptopt tasks')");
        if (tasks.Distinct(StringComparer.Ordinal).Count() != tasks.Count)
        {
            throw new PromptOptInputException("--task: a task is given twice");
        }

        if (shared.Suite is not null || shared.Environment is not null || shared.Steps is not null || shared.Embedder is not null)
        {
            throw new PromptOptInputException("compare runs single-task prompt methods: 'suite', 'env', 'steps' and 'embedder' do not apply");
        }

        if (shared.RunId is not null)
        {
            throw new PromptOptInputException("compare derives each run's id from its spec: 'run-id' does not apply");
        }

        OptimizeRun.ValidateBudget(shared.Budget);
        OptimizeRun.ValidateModelsAndRunId(context, shared);
        var settings = SettingsByMethod(shared.Options, args.Settings, methods);
        foreach (var m in methods)
        {
            _ = OptimizerRegistry.Create(m, settings[m]); // unknown keys or values → error before any call
        }

        var prices = OptimizeRun.ParsePrices(args.Prices);
        var targets = new Dictionary<(string Task, int Seed), OptimizeTarget>();
        OptimizeTarget Target(string task, int seed)
        {
            if (!targets.TryGetValue((task, seed), out var target))
            {
                target = OptimizeTarget.Resolve(context, shared with { Task = task, Method = methods[0] }, seed);
                targets[(task, seed)] = target;
            }

            return target;
        }

        int trainSize = shared.TrainSize ?? OptimizeRun.DefaultTrainSize;
        int testSize = shared.TestSize ?? OptimizeRun.DefaultTestSize;
        var budget = shared.ToBudget();
        foreach (var task in tasks)
        {
            var target = Target(task, seeds[0]);
            int v = OptimizationSession.SampleTrain(target.Task, trainSize, seeds[0]).Count;
            foreach (var m in methods)
            {
                CheckBudgetFits(m, OptimizerRegistry.Create(m, settings[m]), v, budget);
            }
        }

        // 2. On a real endpoint, a pre-flight estimate of the whole comparison's calls and dollars.
        var taskModelSpec = shared.TaskModel ?? OptimizeRun.DefaultModel;
        var optimizerModelSpec = shared.OptimizerModel ?? taskModelSpec;
        bool real = !await IsSimulatedAsync(context, taskModelSpec, cancellationToken) || !await IsSimulatedAsync(context, optimizerModelSpec, cancellationToken);
        int runs = tasks.Count * methods.Count * seeds.Count;
        if (real)
        {
            var estimate = PreFlight(tasks.Select(x => Target(x, seeds[0]).Task).ToList(), methods.Count * seeds.Count, budget, testSize, prices,
                ModelFactory.ResolveAuto(ModelSpec.Parse(taskModelSpec), context.Environment).Model ?? taskModelSpec,
                ModelFactory.ResolveAuto(ModelSpec.Parse(optimizerModelSpec), context.Environment).Model ?? optimizerModelSpec);
            context.Note($"pre-flight: {runs} runs, at most {estimate.Calls.ToString("N0", CultureInfo.InvariantCulture)} calls " +
                $"(test scoring included), about ${estimate.Dollars.ToString("0.00", CultureInfo.InvariantCulture)}");
            if (estimate.Dollars > args.MaxDollars && !args.Yes)
            {
                throw new PromptOptInputException(
                    $"the comparison is estimated at ${estimate.Dollars.ToString("0.00", CultureInfo.InvariantCulture)}, above --max-dollars {args.MaxDollars.ToString(CultureInfo.InvariantCulture)}: " +
                    "pass --yes to run it, or lower the budget, seeds or methods");
            }
        }

        // 3. Run every (task, method, seed) as an ordinary optimize run.
        context.RequestTimeout = CallTimeouts.Resolve(context, args.Flags.Timeout, shared.Timeout, shared.SourcePath);
        using var store = context.OpenStore(args.Store);
        var all = new List<ComparisonRun>();
        bool simulated = false;
        foreach (var task in tasks)
        {
            foreach (var seed in seeds)
            {
                var target = Target(task, seed);
                foreach (var m in methods)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var runSpec = shared with { Method = m, Task = task, Seed = seed, Options = settings[m] ?? new Dictionary<string, string>(StringComparer.Ordinal), RunId = null };
                    var outcome = await OptimizeRun.ExecutePromptRunAsync(
                        context, runSpec, target, OptimizerRegistry.Create(m, settings[m]), store, args.Concurrency, prices, quiet: true, cancellationToken);
                    simulated |= outcome.Simulated;
                    var run = await WithOracleAsync(ComparisonRun.From(target.Name, m, outcome.RunId, outcome.Result), outcome, target.Task, cancellationToken);
                    all.Add(run);
                    context.Note(string.Create(CultureInfo.InvariantCulture,
                        $"compare: {target.Name} {m} seed {seed}: test {Score(run.TestScore)}, spent {Share(run.SpendShare)} ({run.StopReason}) — run {outcome.RunId}{(outcome.Resumed ? " (resumed from the store)" : string.Empty)}"));
                }
            }
        }

        // 4. Tables, report, output.
        var tables = tasks.Select(task => ComparisonTable.Build(Target(task, seeds[0]).Name, all.Where(r => r.Task == Target(task, seeds[0]).Name).ToList(), methods)).ToList();
        var facts = Facts(methods, seeds, budget, trainSize, testSize, taskModelSpec, optimizerModelSpec, simulated);
        var title = "Comparison: " + string.Join(", ", methods) + (simulated ? " (simulated)" : string.Empty);
        var reportPath = args.Out is { } o ? context.ResolvePath(o)
            : RunReportFiles.ReportPath(store.Path, "compare-" + Hash(string.Join('|', methods) + "#" + string.Join('|', tasks) + "#" + string.Join(',', seeds) + "#" + shared.ToJson().ToJsonString()), ReportFormat.Html);
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath) ?? ".");
        await File.WriteAllTextAsync(reportPath, ComparisonReport.ToHtml(tables, title, facts), CancellationToken.None);
        if (args.Markdown is { } md)
        {
            var mdPath = context.ResolvePath(md);
            Directory.CreateDirectory(Path.GetDirectoryName(mdPath) ?? ".");
            await File.WriteAllTextAsync(mdPath, ComparisonReport.ToMarkdown(tables, title, facts), CancellationToken.None);
        }

        if (args.CurvesDir is { } dir)
        {
            var curvesDir = context.ResolvePath(dir);
            Directory.CreateDirectory(curvesDir);
            foreach (var table in tables)
            {
                await File.WriteAllTextAsync(Path.Combine(curvesDir, table.Task + ".svg"), ComparisonReport.CurvesSvg(table), CancellationToken.None);
            }
        }

        if (args.Json)
        {
            JsonOutput.Write(context.Out, ToJson(tables, simulated, reportPath, methods, seeds));
        }
        else
        {
            context.Out.Write(ComparisonReport.ToMarkdown(tables, title, facts));
            context.Out.WriteLine();
            context.Out.WriteLine($"report: {reportPath}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Parses <c>--methods</c>: a comma-separated list of registered task-prompt methods, each once.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The methods, in the order given.</returns>
    /// <exception cref="PromptOptInputException">Missing, empty item, unknown, duplicate, or not a single-task prompt method.</exception>
    internal static List<string> ParseMethods(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new PromptOptInputException($"no methods: give --methods, e.g. --methods dual-phase,ape,opro,protegi (known: {string.Join(", ", OptimizerRegistry.Names)})");
        }

        var items = text.Split(',').Select(s => s.Trim()).ToList();
        if (items.Any(s => s.Length == 0))
        {
            throw new PromptOptInputException($"--methods '{text}': an empty method name");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in items)
        {
            if (OptimizerRegistry.IsDecisionMethod(m))
            {
                throw new PromptOptInputException($"--methods: '{m}' runs an agent in an environment; compare runs task-prompt methods (known: {string.Join(", ", SingleTaskMethods())})");
            }

            if (!OptimizerRegistry.Names.Contains(m, StringComparer.OrdinalIgnoreCase))
            {
                throw new PromptOptInputException($"--methods: unknown method '{m}' (known: {string.Join(", ", SingleTaskMethods())})");
            }

            if (string.Equals(m, Optimizers.MetaSpo.MetaSpoOptimizer.MethodName, StringComparison.OrdinalIgnoreCase))
            {
                throw new PromptOptInputException($"--methods: '{m}' optimizes a system prompt over a task suite; compare runs single-task methods (known: {string.Join(", ", SingleTaskMethods())})");
            }

            if (!seen.Add(m))
            {
                throw new PromptOptInputException($"--methods: '{m}' is given twice");
            }
        }

        return items;
    }

    /// <summary>Parses <c>--seeds</c>: comma-separated integers, each once.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The seeds.</returns>
    /// <exception cref="PromptOptInputException">An item that is not an integer, or a duplicate.</exception>
    internal static List<int> ParseSeeds(string text)
    {
        var seeds = new List<int>();
        foreach (var item in text.Split(','))
        {
            if (!int.TryParse(item.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed))
            {
                throw new PromptOptInputException($"--seeds '{text}': '{item.Trim()}' is not an integer (expected e.g. --seeds 1,2,3)");
            }

            if (seeds.Contains(seed))
            {
                throw new PromptOptInputException($"--seeds '{text}': seed {seed.ToString(CultureInfo.InvariantCulture)} is given twice");
            }

            seeds.Add(seed);
        }

        return seeds;
    }

    /// <summary>Refuses a budget too small for the start evaluation plus one step of a method (naming it).</summary>
    /// <param name="method">The method name.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="v">|V|.</param>
    /// <param name="budget">The budget.</param>
    /// <exception cref="PromptOptInputException">The budget is too small.</exception>
    internal static void CheckBudgetFits(string method, IPromptOptimizer optimizer, int v, OptimizationBudget budget)
    {
        if (optimizer is not IStepCost cost)
        {
            return;
        }

        var (task, opt) = cost.MinimumRun(v);
        if ((budget.MaxTaskCalls is { } t && t < task) || (budget.MaxOptimizerCalls is { } o && o < opt))
        {
            throw new PromptOptInputException(string.Create(CultureInfo.InvariantCulture,
                $"the budget ({budget}) is too small for one step of {method}: it needs at least {task} task calls and {opt} optimizer calls with {v} training examples"));
        }
    }

    private static IEnumerable<string> SingleTaskMethods() =>
        OptimizerRegistry.Names.Where(n => !string.Equals(n, Optimizers.MetaSpo.MetaSpoOptimizer.MethodName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The settings of each method: the spec's options and unprefixed <c>--set</c> values for all, <c>method.key=value</c> for one.</summary>
    private static Dictionary<string, IReadOnlyDictionary<string, string>?> SettingsByMethod(
        IReadOnlyDictionary<string, string> specOptions, IReadOnlyList<string> sets, IReadOnlyList<string> methods)
    {
        var common = OptimizeCommand.ParseSettings(sets.Where(s => !IsPrefixed(s, methods, out _)));
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>?>(StringComparer.Ordinal);
        foreach (var m in methods)
        {
            var mine = new Dictionary<string, string>(specOptions, StringComparer.Ordinal);
            foreach (var (k, v) in common)
            {
                mine[k] = v;
            }

            foreach (var s in sets)
            {
                if (IsPrefixed(s, methods, out var owner) && string.Equals(owner, m, StringComparison.Ordinal))
                {
                    foreach (var (k, v) in OptimizeCommand.ParseSettings([s[(m.Length + 1)..]]))
                    {
                        mine[k] = v;
                    }
                }
            }

            result[m] = mine.Count == 0 ? null : mine;
        }

        return result;
    }

    private static bool IsPrefixed(string set, IReadOnlyList<string> methods, out string? method)
    {
        method = methods.Where(m => set.StartsWith(m + ".", StringComparison.OrdinalIgnoreCase)).OrderByDescending(m => m.Length).FirstOrDefault();
        return method is not null;
    }

    private static async Task<bool> IsSimulatedAsync(CliContext context, string spec, CancellationToken cancellationToken)
    {
        var resolved = ModelFactory.ResolveAuto(ModelSpec.Parse(spec), context.Environment);
        return resolved.Provider == ModelProvider.Simulator || await SimulatorProbe.IsSimulatorAsync(resolved.BaseUrl, cancellationToken);
    }

    /// <summary>
    /// The pre-flight estimate on a real endpoint: per run, the budget's calls (task calls capped by the budget, optimizer
    /// calls likewise; a dollar budget caps the run's cost) plus the uncharged test scoring of the start and best prompts.
    /// Tokens per task call: the start prompt with an average training input (≈ 4 characters per token) and
    /// <see cref="TaskOutputTokens"/> out; per optimizer call <see cref="OptimizerInputTokens"/> in and <see cref="OptimizerOutputTokens"/> out.
    /// </summary>
    internal static (long Calls, decimal Dollars) PreFlight(
        IReadOnlyList<TaskDefinition> tasks, int runsPerTask, OptimizationBudget budget, int testSize, PriceTable prices, string taskModel, string optimizerModel)
    {
        if (budget.MaxTaskCalls is null && budget.MaxDollars is null)
        {
            throw new PromptOptInputException("on a real endpoint, compare needs a budget per run: give --budget-task-calls (and --budget-optimizer-calls) or --budget-dollars");
        }

        long calls = 0;
        decimal dollars = 0;
        foreach (var task in tasks)
        {
            var train = task.Dataset.Train.Take(20).ToList();
            long inputTokens = ((task.StartPrompt.User.Length + (train.Count == 0 ? 0 : (long)train.Average(e => e.Input.Length))) / 4) + 1;
            decimal perTask = prices.Estimate(taskModel, inputTokens, TaskOutputTokens);
            decimal perOptimizer = prices.Estimate(optimizerModel, OptimizerInputTokens, OptimizerOutputTokens);
            long taskCalls = budget.MaxTaskCalls ?? (long)Math.Ceiling((double)(budget.MaxDollars!.Value / Math.Max(perTask, 1e-9m)));
            long optCalls = budget.MaxOptimizerCalls ?? Math.Max(1, taskCalls / 10);
            int tests = Math.Min(testSize, task.Dataset.Test.Count) * 2;
            decimal run = (taskCalls * perTask) + (optCalls * perOptimizer);
            if (budget.MaxDollars is { } cap)
            {
                run = Math.Min(run, cap);
            }

            calls += runsPerTask * (taskCalls + optCalls + tests);
            dollars += runsPerTask * (run + (tests * perTask));
        }

        return (calls, dollars);
    }

    private static async Task<ComparisonRun> WithOracleAsync(ComparisonRun run, PromptRunOutcome outcome, TaskDefinition task, CancellationToken cancellationToken)
    {
        var oracle = outcome.TaskModel.GetService(typeof(ISimulatorOracle)) as ISimulatorOracle; // the simulator in-process; none for a real model or over HTTP
        if (oracle?.GetOraclePrompt(task.Name) is not { } prompt)
        {
            return run;
        }

        // Scored under the uncharged test role, on the run's own V and test examples; the cache makes repeats free.
        var options = outcome.Request.Evaluation.Clone();
        options.Role = ModelRoles.Test;
        var v = OptimizationSession.SampleTrain(task, outcome.Request.TrainSize, outcome.Request.Seed);
        var test = outcome.Request.TestSize is { } n ? task.Dataset.Test.Take(n).ToList() : task.Dataset.Test;
        var onV = await Evaluator.EvaluateAsync(outcome.TaskModel, prompt, v, task.Metric, options, cancellationToken);
        var onTest = await Evaluator.EvaluateAsync(outcome.TaskModel, prompt, test, task.Metric, options, cancellationToken);
        return run with { OracleTrainScore = onV.Score, OracleTestScore = onTest.Score };
    }

    private static List<string> Facts(
        IReadOnlyList<string> methods, IReadOnlyList<int> seeds, OptimizationBudget budget, int trainSize, int testSize, string taskModel, string optimizerModel, bool simulated)
    {
        var facts = new List<string>
        {
            $"methods: {string.Join(", ", methods)}; seeds: {string.Join(", ", seeds)}",
            $"budget per run: {budget}; |V| = {trainSize.ToString(CultureInfo.InvariantCulture)} training examples; {testSize.ToString(CultureInfo.InvariantCulture)} test examples",
            $"task model: {taskModel}; optimizer model: {optimizerModel}",
            "every method starts from the task's one-line instruction plus its answer-format line; Δ is paired by seed against the best mean",
        };
        if (simulated)
        {
            facts.Add("results are SIMULATED (PromptOpt's simulator), not measurements of a real model");
        }

        return facts;
    }

    private static JsonObject ToJson(IReadOnlyList<ComparisonTable> tables, bool simulated, string reportPath, IReadOnlyList<string> methods, IReadOnlyList<int> seeds)
    {
        static JsonObject Ms(MeanSe m) => new() { ["mean"] = Num(m.Mean), ["se"] = Num(m.StandardError), ["n"] = m.N };
        var json = new JsonObject
        {
            ["simulated"] = simulated,
            ["methods"] = new JsonArray(methods.Select(m => (JsonNode?)m).ToArray()),
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode?)s).ToArray()),
            ["report"] = reportPath,
        };
        var arr = new JsonArray();
        foreach (var t in tables)
        {
            arr.Add(new JsonObject
            {
                ["task"] = t.Task,
                ["oracleTest"] = t.OracleTest,
                ["rows"] = new JsonArray(t.Rows.Select(r => (JsonNode?)new JsonObject
                {
                    ["method"] = r.Method,
                    ["test"] = Ms(r.Test),
                    ["startTest"] = Ms(r.StartTest),
                    ["deltaVsBest"] = r.DeltaVsBest is { } d ? new JsonObject { ["mean"] = Num(d.Mean), ["se"] = Num(d.StandardError), ["t"] = d.T, ["n"] = d.N } : null,
                    ["taskCalls"] = r.TaskCalls,
                    ["optimizerCalls"] = r.OptimizerCalls,
                    ["tokens"] = r.Tokens,
                    ["dollars"] = r.Dollars,
                    ["budgetSpent"] = r.SpendShare,
                    ["stopReasons"] = r.StopReasons,
                    ["oracleFraction"] = r.OracleFraction,
                    ["callsToNinetyPercent"] = r.CallsToNinetyPercent,
                    ["reachedNinetyPercent"] = r.ReachedNinetyPercent,
                    ["promptWords"] = r.PromptWords.N == 0 ? null : Ms(r.PromptWords),
                    ["bestPrompt"] = r.BestPrompt is { } p ? new JsonObject { ["system"] = p.System, ["user"] = p.User } : null,
                    ["warnings"] = new JsonArray(r.Warnings.Select(w => (JsonNode?)w).ToArray()),
                }).ToArray()),
                ["runs"] = new JsonArray(t.Runs.Select(r => (JsonNode?)new JsonObject
                {
                    ["method"] = r.Method,
                    ["seed"] = r.Seed,
                    ["runId"] = r.RunId,
                    ["test"] = r.TestScore,
                    ["startTest"] = r.StartTestScore,
                    ["startPrompt"] = r.StartPrompt.User,
                    ["taskCalls"] = r.TaskCalls,
                    ["optimizerCalls"] = r.OptimizerCalls,
                    ["budgetSpent"] = r.SpendShare,
                    ["stopReason"] = r.StopReason,
                    ["oracleFraction"] = r.OracleFraction,
                    ["promptWords"] = r.PromptWords,
                }).ToArray()),
            });
        }

        json["tasks"] = arr;
        return json;
    }

    private static double? Num(double v) => double.IsFinite(v) ? v : null;

    private static string Score(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    private static string Share(double? v) => v is { } x ? (x * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "no limit";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];
}
