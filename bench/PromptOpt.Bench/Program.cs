using PromptOpt.Bench;

// PromptOpt benchmarks: `dotnet run -c Release --project bench/PromptOpt.Bench -- <name> [args]`.
// Model calls are never timed here except against the loopback simulator server; see bench/README.md.
// Bad arguments print the bench's usage and exit with 2 (checked by .ci/checks/bench-usage.sh).
var benches = new Dictionary<string, (string Description, string Usage, Func<string[], Task<int>> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["overhead"] = ("evaluator overhead against an instant in-process client (evaluations/s)", "[examples=200000]", OverheadBench.RunAsync),
    ["cache"] = ("response-cache hit latency and SQLite cache write throughput", "[rows=5000]", CacheBench.RunAsync),
    ["metaspo"] = ("SIMULATED MetaSPO unseen-generalization and test-time-adaptation tables per suite and seed",
        "[seeds=3] [suite.yaml,…] [tta=true|false]", MetaSpoBench.RunAsync),
    ["quality"] = ("SIMULATED quality per call: promptopt compare at equal budgets (test mean ± s.e., paired Δ, spend, oracle fraction, curves)",
        "[--seeds N] [--tasks a,b] [--methods a,b] [--budgets 600+20,3000+60] [--out DIR] [--store FILE]", QualityBench.RunAsync),
    ["throughput"] = ("eval throughput over HTTP against the loopback simulator server vs the physical limit",
        "[latency-ms=100] [concurrency=1,16,64,256] [examples=1000]", ThroughputBench.RunAsync),
    ["client-cpu"] = ("CPU and allocations per request of the HTTP client path only (simulator server in a separate process): per layer, or throughput vs the limit",
        "layers [requests=4000] [concurrency=32] | throughput [latency-ms=100] [concurrency=256] [examples=1000]", ClientCpuBench.RunAsync),
    ["export-task"] = ("export a built-in task as train/test JSONL + a promptfoo tests.csv",
        "<name> <out-dir> [seed=1] [test-size=1000] [train-size=10]", ExportTaskBench.RunAsync),
    ["promptfoo-compare"] = ("eval throughput and accuracy side by side with promptfoo on the loopback simulator server",
        "<promptfoo-bin> [latency-ms=100] [concurrency=8,32,128] [examples=1000] [repeats=3] [task=multistep_arithmetic] [seed=1]", PromptfooCompareBench.RunAsync),
    ["cost"] = ("optimization cost per method: calls and wall time cold (HTTP simulator; answers=recorded: without the simulator's compute) vs fully cached replay",
        "[methods=all|a,b] [latency-ms=50] [task=multistep_arithmetic] [seed=1] [concurrency=16] [mode=both|library|cli] [env=bandit-hard] [answers=live|recorded|both] [long-latency-ms=200]", CostBench.RunAsync),
    ["expo"] = ("EXPO / EXPO-ES regret and optimality-gap curves vs the baselines and ablations on the simulator",
        "[--seeds N] [--steps T] [--envs a,b] [--methods a,b] [--full-network] [--seed0 S] [--svg DIR] [--embedder hash|minilm] | --bandits [--envs bandit-hard,bandit-easy] [--horizons 100,300] [--seeds N] [--seed0 S] [--methods a,b] [--out DIR] | --skills [--envs a,b] [--seeds N] [--seed0 S]", ExpoBench.RunAsync),
    ["sim-realism"] = ("SIMULATED realism table of SIMULATOR.md v2 (rows: the suite's prompts, columns: tasks) and the cost of featurising a new prompt",
        "[--datasets DIR] [--seed N]", SimRealismBench.RunAsync),
    ["agent"] = ("SIMULATED agent: suffix-failure frequency, MinFrac and regret of each bandit behaviour (calibration targets)",
        "[--seeds N] [--seed0 S] [--steps T] [--envs a,b]", AgentBench.RunAsync),
    ["expo-landscape"] = ("SIMULATED bandit landscape: one step's expected regret per meta-prompt skill set vs the reward noise",
        "[--seeds N] [--seed0 S] [--draws D] [--env bandit-hard|bandit-easy|bandit-hard-summarized|bandit-easy-summarized]", ExpoLandscapeBench.RunAsync),
};

if (args.Length == 0 || !benches.TryGetValue(args[0], out var bench))
{
    var list = args.Length == 0 ? Console.Out : Console.Error;
    if (args.Length > 0)
    {
        list.WriteLine($"unknown benchmark '{args[0]}'");
    }

    list.WriteLine("usage: PromptOpt.Bench <benchmark> [args]\n");
    foreach (var (name, b) in benches)
    {
        list.WriteLine($"  {name,-17} {b.Description}\n  {"",-17} args: {b.Usage}");
    }

    return args.Length == 0 ? 0 : 2;
}

if (args.Length > 1 && args[1] is "--help" or "-h")
{
    Console.WriteLine($"usage: PromptOpt.Bench {args[0]} {bench.Usage}\n  {bench.Description}");
    return 0;
}

try
{
    return await bench.Run(args[1..]);
}
catch (BenchUsageException ex)
{
    Console.Error.WriteLine($"{args[0]}: {ex.Message}");
    Console.Error.WriteLine($"usage: PromptOpt.Bench {args[0]} {bench.Usage}");
    return 2;
}
