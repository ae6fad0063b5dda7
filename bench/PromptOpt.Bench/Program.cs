using PromptOpt.Bench;

// PromptOpt benchmarks: `dotnet run -c Release --project bench/PromptOpt.Bench -- <name> [args]`.
// Model calls are never timed here except against the loopback simulator server; see bench/README.md.
var benches = new Dictionary<string, (string Description, Func<string[], Task<int>> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["overhead"] = ("evaluator overhead against an instant in-process client (evaluations/s)", OverheadBench.RunAsync),
    ["cache"] = ("response-cache hit latency and SQLite cache write throughput", CacheBench.RunAsync),
    ["metaspo"] = ("SIMULATED MetaSPO unseen-generalization and test-time-adaptation tables per suite and seed", MetaSpoBench.RunAsync),
    ["quality"] = ("SIMULATED quality per call: each method's test score ± spread over seeds at equal budgets", QualityBench.RunAsync),
    ["throughput"] = ("eval throughput over HTTP against the loopback simulator server vs the physical limit", ThroughputBench.RunAsync),
    ["export-task"] = ("export a built-in task as train/test JSONL + a promptfoo tests.csv", ExportTaskBench.RunAsync),
    ["promptfoo-compare"] = ("eval throughput and accuracy side by side with promptfoo on the loopback simulator server", PromptfooCompareBench.RunAsync),
    ["cost"] = ("optimization cost per method: calls and wall time cold (HTTP simulator) vs fully cached replay", CostBench.RunAsync),
    ["expo"] = ("EXPO / EXPO-ES regret and optimality-gap curves vs the baselines and ablations on the simulator", ExpoBench.RunAsync),
    ["agent"] = ("SIMULATED agent: suffix-failure frequency, MinFrac and regret of each bandit behaviour (calibration targets)", AgentBench.RunAsync),
    ["expo-landscape"] = ("SIMULATED bandit landscape: one step's expected regret per meta-prompt skill set vs the reward noise", ExpoLandscapeBench.RunAsync),
};

if (args.Length == 0 || !benches.TryGetValue(args[0], out var bench))
{
    Console.WriteLine("usage: PromptOpt.Bench <benchmark> [args]\n");
    foreach (var (name, b) in benches)
    {
        Console.WriteLine($"  {name,-12} {b.Description}");
    }

    return args.Length == 0 ? 0 : 2;
}

return await bench.Run(args[1..]);
