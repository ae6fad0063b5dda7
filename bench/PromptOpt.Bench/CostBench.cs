using System.Diagnostics;
using System.Globalization;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Decision;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;
using PromptOpt.Storage;

namespace PromptOpt.Bench;

/// <summary>
/// Optimization cost per method: a standard simulated run (method defaults; OptimizationRequest defaults: V = 50 train
/// examples, 200 test examples; MetaSPO on the one task; the EXPO family in a decision environment) through the REAL HTTP path (OpenAI SDK adapter) against the
/// loopback simulator server with a fixed latency, cold (fresh SQLite store), then the identical run again over the same
/// store (a fresh pipeline, meter and store connection, as a rerun of the command would have), five times: the first replay
/// is what a rerun gets, the best is the figure least disturbed by other load on the machine. Reports logical calls, paid
/// calls, requests the server saw, wall and CPU time. Goal: cached replay ≥ 50× faster, zero paid calls and zero server
/// requests, the same result. Then the same through the CLI: <c>promptopt optimize</c> run twice as child processes (the
/// rerun reopens the run id and is answered from the cache). Usage: cost [methods=all|a,b] [latency-ms=50]
/// [task=multistep_arithmetic] [seed=1] [concurrency=16] [mode=both|library|cli] [env=bandit-hard]
/// [answers=live|recorded|both] [long-latency-ms=200].
/// </summary>
/// <remarks>
/// <c>answers=live</c> (the default) is the table above: the simulator computes every answer on this machine's cores
/// while the run is timed. <c>answers=recorded</c> times the same cold run without that compute (the optimizer's
/// concurrency, not the simulator's CPU): an untimed pass of the same method and seed against a recording server
/// (throwaway store) keeps every request's exact body → the exact response bytes; then the timed cold run (fresh store)
/// goes through the same HTTP path to a server that waits the latency and answers with the recorded bytes (a request it
/// does not hold is answered live and counted as a miss; the result must equal the recording pass's). Repeated at
/// <c>long-latency-ms</c>, the two walls separate the run into latency rounds (the algorithm's dependencies) and
/// seconds that do not scale with the latency (CPU on the critical path). <c>both</c> prints both tables. See
/// bench/README.md, "cost".
/// </remarks>
internal static class CostBench
{
    private const double TargetSpeedup = 50;
    private const int Replays = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Positional(args, 9);
        var known = OptimizerRegistry.Names.Concat(OptimizerRegistry.DecisionNames).ToArray();
        var methods = a.Text(0, "all") == "all" ? known : BenchArgs.OneOf(a.List(0, "all"), "method", known);
        int latencyMs = a.Int(1, "latency-ms", 50);
        var taskName = a.Text(2, "multistep_arithmetic");
        int seed = a.Int(3, "seed", 1, min: int.MinValue);
        int concurrency = a.Int(4, "concurrency", 16, min: 1);
        var mode = BenchArgs.OneOf([a.Text(5, "both")], "mode", ["both", "library", "cli"])[0];
        var env = BenchArgs.OneOf([a.Text(6, "bandit-hard")], "environment", EnvironmentCatalog.All.Select(e => e.Name))[0];
        var answers = BenchArgs.OneOf([a.Text(7, "live")], "answers", ["live", "recorded", "both"])[0];
        int longLatencyMs = a.Int(8, "long-latency-ms", 200);
        if (methods.Length == 0)
        {
            Console.WriteLine("cost: no optimizer is registered in OptimizerRegistry yet; nothing to measure.");
            return 0;
        }

        var task = BuiltInTasks.Create(taskName, seed);
        var world = SimulatorModels.CreateWorld([task], options: new SimOptions { Seed = seed });
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions
        {
            World = world,
            Seed = seed,
            LatencyMean = TimeSpan.FromMilliseconds(latencyMs),
        });
        var spec = Spec(server);
        var dir = Directory.CreateTempSubdirectory("promptopt-bench-cost-");
        Console.WriteLine($"# {SimulatorServer.Banner}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores; load average {PromptfooCompareBench.LoadAverage()}; task {task.Name} (seed {seed}); " +
            $"loopback simulator latency {latencyMs} ms; concurrency {concurrency}; method defaults, V = 50, test = 200; EXPO family in {env} (its horizon); answers {answers}{(answers == "live" ? string.Empty : $" (recorded also at {longLatencyMs} ms)")}"));
        int exit = 0;
        try
        {
            if (mode != "cli")
            {
                var live = new Dictionary<int, Measured>(); // the live cold run of each row
                if (answers != "recorded")
                {
                    await WarmUpAsync(task, spec, dir.FullName, server, concurrency);
                    exit |= await LibraryTableAsync(methods, task, env, spec, dir.FullName, server, concurrency, seed, latencyMs, live);
                }

                if (answers != "live")
                {
                    exit |= await RecordedTableAsync(methods, task, env, world, dir.FullName, concurrency, seed, latencyMs, longLatencyMs, live);
                }
            }

            if (mode != "library")
            {
                exit |= await CliTableAsync(methods, task, env, spec, dir.FullName, server, concurrency, seed);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }

        return exit;
    }

    /// <summary>
    /// An untimed warm-up before the live table, so its first row does not carry the process's and the server's start-up
    /// (JIT of the client pipeline, the evaluator and SQLite; the simulator's sentence encoder and its per-sentence cache):
    /// the task's start prompt is evaluated on every train and test example through the same pipeline, over a throwaway
    /// store. Every row then meets the same warm server, as the second and later rows always did (issue 17: without it the
    /// first row, APE in <c>all</c>, measured 1.86–2.84 × its ideal live against 1.14–1.34 as a later row).
    /// </summary>
    private static async Task WarmUpAsync(TaskDefinition task, ModelSpec spec, string dir, SimulatorServer server, int concurrency)
    {
        using var store = new PromptOptStore(Path.Combine(dir, "warm-up.db"));
        var meter = new UsageMeter();
        var model = ModelFactory.Create(spec, ModelRoles.Task, new ModelPipelineOptions { Usage = meter, Cache = store, MaxConcurrency = concurrency, Environment = _ => null });
        long before = server.Stats.Requests;
        var sw = Stopwatch.StartNew();
        var examples = task.Dataset.Train.Concat(task.Dataset.Test).ToList();
        await Evaluator.EvaluateAsync(model, task.StartPrompt, examples, task.Metric, new EvaluationOptions { MaxConcurrency = concurrency });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# warm-up (untimed): the start prompt on {examples.Count} train + test examples, {server.Stats.Requests - before} server requests, {sw.Elapsed.TotalSeconds:F1} s, throwaway store"));
    }

    /// <summary>The library path: OptimizerRegistry.Create(name).OptimizeAsync cold, then replayed over the same store.</summary>
    private static async Task<int> LibraryTableAsync(
        string[] methods, TaskDefinition task, string env, ModelSpec spec, string dir, SimulatorServer server, int concurrency, int seed, int latencyMs,
        Dictionary<int, Measured> coldRuns)
    {
        using var window = new ServerWindow(server);
        Console.WriteLine();
        Console.WriteLine("## library: OptimizerRegistry.Create(method).OptimizeAsync(request), cold, then replayed over the same store");
        Console.WriteLine();
        Console.WriteLine($"| method | cold: calls | cold: paid | cold: server requests | cold: wall s | cold: ideal s | cold: wall ÷ ideal | cold: mean in-flight ÷ concurrency (server) | cold: mean min(calls demanded, concurrency) ÷ concurrency | cached: calls | cached: paid ({Replays} replays) | cached: server requests ({Replays} replays) | cached: wall s (1st replay) | cached: wall s (best of {Replays}) | cached: CPU s (1st replay, whole process) | speed-up 1st (best) | same result |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        int exit = 0;
        var notes = new List<string>();
        foreach (var (method, row) in methods.Select((m, i) => (m, i)))
        {
            var storePath = Path.Combine(dir, $"{row}-{method}.db"); // a fresh store per row, even when a method is listed twice
            Measured cold;
            double inFlightSeconds;
            var replays = new List<Measured>();
            try
            {
                window.Reset();
                cold = await RunOnceAsync(method, task, env, spec, storePath, server, concurrency, seed);
                inFlightSeconds = window.InFlightSeconds();
                for (int i = 0; i < Replays; i++)
                {
                    replays.Add(await RunOnceAsync(method, task, env, spec, storePath, server, concurrency, seed));
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Console.WriteLine($"| {method} | failed: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} | | | | | | | | | | | | | | | |");
                exit = 1;
                continue;
            }

            coldRuns[row] = cold;
            var first = replays[0];
            var best = replays.MinBy(r => r.Wall)!;
            bool same = replays.All(r => SameResult(cold.Result, r.Result));
            notes.AddRange(new[] { cold }.Concat(replays).Select((r, i) => r.Note is null ? null : $"{method} {(i == 0 ? "cold" : $"replay {i}")}: {r.Note}").OfType<string>());
            double speedup = cold.Wall.TotalSeconds / Math.Max(first.Wall.TotalSeconds, 1e-6);
            double bestSpeedup = cold.Wall.TotalSeconds / Math.Max(best.Wall.TotalSeconds, 1e-6);
            var c = cold.Usage;
            var h = first.Usage;
            long paid = replays.Sum(r => r.Usage.PaidCalls);
            long requests = replays.Sum(r => r.ServerRequests);
            // The ideal wall time (see bench/README.md, cost): every paid call's latency with all `concurrency` slots busy;
            // a decision method (EXPO family) acts step by step, each agent call waiting for the previous reward, so its
            // ideal is its paid calls one after another.
            bool decision = OptimizerRegistry.IsDecisionMethod(method);
            double ideal = Ideal(method, c.PaidCalls, latencyMs, concurrency);
            double fullness = inFlightSeconds / Math.Max(cold.Wall.TotalSeconds, 1e-6) / (decision ? 1 : concurrency);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {method} | {c.Calls} | {c.PaidCalls} | {cold.ServerRequests} | {cold.Wall.TotalSeconds:F2} | {ideal:F2} | {cold.Wall.TotalSeconds / Math.Max(ideal, 1e-6):F2} | {fullness:F2} | {cold.Demand:F2} | {h.Calls} | {paid} | {requests} | {first.Wall.TotalSeconds:F3} | {best.Wall.TotalSeconds:F3} | {first.Cpu.TotalSeconds:F3} | {speedup:F0}× ({bestSpeedup:F0}×) | {(same ? "yes" : "NO")} |"));
            if (paid > 0 || requests > 0 || !same || bestSpeedup < TargetSpeedup)
            {
                exit = 1;
            }
        }

        Console.WriteLine();
        foreach (var note in notes)
        {
            Console.WriteLine("- " + note);
        }

        Console.WriteLine();
        Console.WriteLine($"# ideal s = cold paid calls × {latencyMs} ms ÷ {concurrency} (EXPO family: ÷ 1, its calls are sequential); mean in-flight = time-weighted requests in flight at the server (polled every ms) over the cold wall, ÷ {concurrency} (EXPO family: ÷ 1); calls demanded = UsageMeter.InFlight (reserved, not yet answered: in flight or waiting for a slot), polled every ms, capped at the concurrency, time-weighted over the cold wall (less sensitive to the load than the server count: a loaded machine stretches each request at the server, not what the optimizer submits). Goal: wall ÷ ideal ≤ 1.15");
        Console.WriteLine($"# goal: cached replay ≥ {TargetSpeedup:F0}× faster (best of {Replays}: the figure least disturbed by other load), 0 paid calls and 0 server requests in every replay, same result (exit code 1 otherwise)");
        return exit;
    }

    /// <summary>The model spec of the bench's models on <paramref name="server"/> (task, agent and optimizer roles alike).</summary>
    private static ModelSpec Spec(SimulatorServer server) => ModelSpec.Parse($"openai-compatible:{server.BaseUrl.ToString().TrimEnd('/')}|sim-cost");

    /// <summary>
    /// The ideal wall time (see bench/README.md, cost): every paid call's latency with all <paramref name="concurrency"/>
    /// slots busy; a decision method (EXPO family) acts step by step, each agent call waiting for the previous reward, so
    /// its ideal is its paid calls one after another.
    /// </summary>
    private static double Ideal(string method, long paidCalls, int latencyMs, int concurrency) =>
        paidCalls * latencyMs / 1000.0 / (OptimizerRegistry.IsDecisionMethod(method) ? 1 : concurrency);

    /// <summary>
    /// The library path with the simulator's compute taken out of the timed run (<c>answers=recorded</c>): per method, an
    /// untimed recording pass (throwaway store) against a server that keeps every request → response; then the timed cold
    /// run (fresh store, same method, seed and HTTP path) against a server that waits the latency and answers with the
    /// recorded bytes, once at <paramref name="latencyMs"/> and once at <paramref name="longLatencyMs"/> (0: skipped).
    /// A request not in the recording is answered live and counted ("misses"); the results must equal the recording
    /// pass's (and the live cold run's, when <paramref name="liveRuns"/> has it); either failing is reported loudly and
    /// exits 1.
    /// </summary>
    private static async Task<int> RecordedTableAsync(
        string[] methods, TaskDefinition task, string env, SimulatedWorld world, string dir, int concurrency, int seed, int latencyMs, int longLatencyMs,
        Dictionary<int, Measured> liveRuns)
    {
        var recording = new ResponseRecording();
        Task<SimulatorServer> Start(int ms, bool record) => SimulatorServer.StartAsync(new SimulatorServerOptions
        {
            World = world,
            Seed = seed,
            LatencyMean = TimeSpan.FromMilliseconds(ms),
            RecordTo = record ? recording : null,
            ReplayFrom = record ? null : recording,
        });
        await using var recorder = await Start(0, record: true);
        await using var replayer = await Start(latencyMs, record: false);
        await using var longReplayer = longLatencyMs > 0 ? await Start(longLatencyMs, record: false) : null;
        bool withLive = liveRuns.Count > 0;
        bool withLong = longReplayer is not null && longLatencyMs != latencyMs;

        Console.WriteLine();
        Console.WriteLine($"## library, answers recorded: the same cold run timed against a server that answers from a recording of it after the latency (no simulator compute in the timed run)");
        Console.WriteLine();
        var header = new List<string>
        {
            "method", "recording pass: paid (untimed)", "recording pass: wall s (latency 0)", "recorded: distinct requests", "recorded: MB (bodies + responses)",
            $"{latencyMs} ms: paid", $"{latencyMs} ms: server requests", $"{latencyMs} ms: misses (answered live)", $"{latencyMs} ms: wall s", $"{latencyMs} ms: ideal s",
            $"{latencyMs} ms: wall ÷ ideal", $"{latencyMs} ms: in flight ÷ concurrency (server)", $"{latencyMs} ms: calls demanded ÷ concurrency", $"{latencyMs} ms: CPU s (whole process)",
        };
        if (withLive)
        {
            header.Add($"live answers, {latencyMs} ms: wall ÷ ideal");
        }

        if (withLong)
        {
            header.AddRange([
                $"{longLatencyMs} ms: misses", $"{longLatencyMs} ms: wall s", $"{longLatencyMs} ms: ideal s", $"{longLatencyMs} ms: wall ÷ ideal",
                $"{longLatencyMs} ms: in flight ÷ concurrency (server)", $"{longLatencyMs} ms: calls demanded ÷ concurrency",
                "latency rounds ÷ ideal rounds (wall ÷ ideal as latency → ∞)", "latency-independent s (CPU on the critical path)",
            ]);
        }

        header.Add("same result");
        Console.WriteLine("| " + string.Join(" | ", header) + " |");
        Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", header.Count - 2)) + "---|");
        int exit = 0;
        var problems = new List<string>();
        foreach (var (method, row) in methods.Select((m, i) => (m, i)))
        {
            recording.Clear();
            Measured pass, timed;
            Measured? slow = null;
            double inFlight, slowInFlight = 0;
            long misses, slowMisses = 0;
            try
            {
                pass = await RunOnceAsync(method, task, env, Spec(recorder), Path.Combine(dir, $"{row}-{method}-recording.db"), recorder, concurrency, seed);
                (timed, inFlight, misses) = await TimedReplayAsync(replayer, Path.Combine(dir, $"{row}-{method}-recorded-{latencyMs}.db"));
                if (withLong)
                {
                    Measured s;
                    (s, slowInFlight, slowMisses) = await TimedReplayAsync(longReplayer!, Path.Combine(dir, $"{row}-{method}-recorded-{longLatencyMs}.db"));
                    slow = s;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Console.WriteLine($"| {method} | failed: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} |" + string.Concat(Enumerable.Repeat(" |", header.Count - 2)));
                exit = 1;
                continue;
            }

            async Task<(Measured Run, double InFlight, long Misses)> TimedReplayAsync(SimulatorServer server, string storePath)
            {
                using var window = new ServerWindow(server);
                long before = recording.Misses;
                var run = await RunOnceAsync(method, task, env, Spec(server), storePath, server, concurrency, seed);
                return (run, window.InFlightSeconds(), recording.Misses - before);
            }

            var mismatches = new List<string>();
            if (!SameResult(pass.Result, timed.Result))
            {
                mismatches.Add($"the {latencyMs} ms recorded run differs from the recording pass");
            }

            if (slow is not null && !SameResult(pass.Result, slow.Result))
            {
                mismatches.Add($"the {longLatencyMs} ms recorded run differs from the recording pass");
            }

            if (liveRuns.TryGetValue(row, out var live) && !SameResult(live.Result, pass.Result))
            {
                mismatches.Add("the recording pass differs from the live cold run");
            }

            if (misses + slowMisses > 0)
            {
                mismatches.Add($"{misses + slowMisses} request(s) were not in the recording and were answered live ({misses} at {latencyMs} ms, {slowMisses} at {longLatencyMs} ms)");
            }

            if (timed.Usage.PaidCalls != pass.Usage.PaidCalls || (slow is not null && slow.Usage.PaidCalls != pass.Usage.PaidCalls))
            {
                mismatches.Add($"paid calls differ: recording pass {pass.Usage.PaidCalls}, {latencyMs} ms {timed.Usage.PaidCalls}, {longLatencyMs} ms {slow?.Usage.PaidCalls}");
            }

            bool decision = OptimizerRegistry.IsDecisionMethod(method);
            int slots = decision ? 1 : concurrency;
            long paid = timed.Usage.PaidCalls;
            double ideal = Ideal(method, paid, latencyMs, concurrency);
            double wall = timed.Wall.TotalSeconds;
            var cells = new List<string>
            {
                method, F(pass.Usage.PaidCalls), F(pass.Wall.TotalSeconds, "F2"), F(recording.Count), F(recording.Bytes / 1e6, "F1"),
                F(paid), F(timed.ServerRequests), F(misses), F(wall, "F2"), F(ideal, "F2"),
                F(wall / Math.Max(ideal, 1e-6), "F2"), F(inFlight / Math.Max(wall, 1e-6) / slots, "F2"), F(timed.Demand, "F2"), F(timed.Cpu.TotalSeconds, "F2"),
            };
            if (withLive)
            {
                cells.Add(live is null ? "—" : F(live.Wall.TotalSeconds / Math.Max(Ideal(method, live.Usage.PaidCalls, latencyMs, concurrency), 1e-6), "F2"));
            }

            if (withLong)
            {
                double slowWall = slow!.Wall.TotalSeconds;
                double slowIdeal = Ideal(method, slow.Usage.PaidCalls, longLatencyMs, concurrency);
                // wall(L) ≈ rounds × L + fixed: two latencies give the rounds (the sequential latency waits the algorithm's
                // dependencies impose) and the seconds that do not scale with L (CPU on the critical path, both sides of HTTP).
                double rounds = (slowWall - wall) / ((longLatencyMs - latencyMs) / 1000.0);
                double idealRounds = paid / (double)slots;
                double fixedSeconds = wall - (rounds * latencyMs / 1000.0);
                cells.AddRange([
                    F(slowMisses), F(slowWall, "F2"), F(slowIdeal, "F2"), F(slowWall / Math.Max(slowIdeal, 1e-6), "F2"),
                    F(slowInFlight / Math.Max(slowWall, 1e-6) / slots, "F2"), F(slow.Demand, "F2"),
                    F(rounds / Math.Max(idealRounds, 1e-6), "F2"), F(fixedSeconds, "F2"),
                ]);
            }

            cells.Add(mismatches.Count == 0 ? "yes" : "NO");
            Console.WriteLine("| " + string.Join(" | ", cells) + " |");
            foreach (var m in mismatches)
            {
                problems.Add($"{method}: {m}");
            }
        }

        Console.WriteLine();
        foreach (var p in problems)
        {
            Console.WriteLine($"- **MISMATCH** {p}");
            Console.Error.WriteLine($"cost: MISMATCH: {p}");
            exit = 1;
        }

        Console.WriteLine();
        Console.WriteLine($"# answers recorded: the recording pass runs the method cold (throwaway store) against a simulator server with latency 0 that keeps every request's exact body → response bytes; each timed run is the same cold run (fresh store, same pipeline, OpenAI SDK adapter, loopback HTTP, Kestrel) against a server that waits the latency and sends the recorded bytes without computing (a request it lacks is answered live and counted as a miss). Same result = the recording pass's result (best prompt, scores, candidates, trajectory, details){(withLive ? " and the live cold run's" : string.Empty)}; misses must be 0 (exit code 1 and MISMATCH lines otherwise).");
        Console.WriteLine($"# ideal s = paid calls × latency ÷ {concurrency} (EXPO family: ÷ 1); in flight and calls demanded as in the live table; CPU s = this process's CPU during the timed run (optimizer, client pipeline, SQLite store, Kestrel and the replay itself; no simulator compute unless a miss)." +
            (withLong ? $" Latency rounds = (wall at {longLatencyMs} ms − wall at {latencyMs} ms) ÷ {longLatencyMs - latencyMs} ms, ÷ ideal rounds (paid ÷ {concurrency}; EXPO family: paid): the wall ÷ ideal left when the latency dominates (1 s–5 s calls), i.e. the algorithm's dependencies and the tails of its batches; latency-independent s = wall at {latencyMs} ms − rounds × {latencyMs} ms: time that does not scale with the latency (CPU between submissions on the critical path). A model wall(L) = rounds × L + fixed, fitted on two points; noisy under load." : string.Empty));
        return exit;
    }

    private static string F(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>
    /// The command-line path: <c>promptopt optimize</c> (the Release CLI next to this bench) run twice with the same command
    /// and store: the second run reopens the same run id and is answered from the cache. Includes process start-up, the
    /// run record, the HTML report and the artifact, i.e. what a user's rerun costs.
    /// </summary>
    private static async Task<int> CliTableAsync(
        string[] methods, TaskDefinition task, string env, ModelSpec spec, string dir, SimulatorServer server, int concurrency, int seed)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "PromptOpt.Cli.exe" : "PromptOpt.Cli");
        Console.WriteLine();
        Console.WriteLine("## CLI: the same `promptopt optimize` command run twice over one store (second run = same run id, answered from the cache; child processes)");
        Console.WriteLine();
        Console.WriteLine("| method | cold: calls | cold: paid | cold: server requests | cold: wall s | rerun: calls | rerun: paid | rerun: server requests | rerun: wall s | rerun: CPU s | speed-up | same best prompt and scores |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        int exit = 0;
        foreach (var method in methods)
        {
            bool decision = OptimizerRegistry.IsDecisionMethod(method);
            var argv = new List<string>
            {
                "optimize", "--method", method, decision ? "--env" : "--task", decision ? env : task.Name, "--seed", seed.ToString(CultureInfo.InvariantCulture),
                decision ? "--agent-model" : "--task-model", spec.ToString(), "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
                "--store", Path.Combine(dir, "cli-" + method + ".db"), "--json",
            };
            var childEnv = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
            var runs = new List<(ChildProcess.Result Run, long Requests, System.Text.Json.Nodes.JsonNode Json)>();
            try
            {
                for (int i = 0; i < 2; i++)
                {
                    long before = server.Stats.Requests;
                    var run = await ChildProcess.RunAsync(cli, argv, childEnv, dir, TimeSpan.FromMinutes(10));
                    long requests = server.Stats.Requests - before;
                    if (run.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"exit {run.ExitCode}: {LastLine(run.Stderr)}");
                    }

                    runs.Add((run, requests, System.Text.Json.Nodes.JsonNode.Parse(run.Stdout)!));
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Console.WriteLine($"| {method} | failed: {ex.Message.ReplaceLineEndings(" ")} | | | | | | | | | | |");
                exit = 1;
                continue;
            }

            var (c, r) = (runs[0], runs[1]);
            static string Usage(System.Text.Json.Nodes.JsonNode j, string key) => j["usage"]![key]!.ToString();
            bool same = c.Json["bestPrompt"]!.ToJsonString() == r.Json["bestPrompt"]!.ToJsonString()
                && c.Json["scores"]!.ToJsonString() == r.Json["scores"]!.ToJsonString();
            double speedup = c.Run.Wall.TotalSeconds / Math.Max(r.Run.Wall.TotalSeconds, 1e-6);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {method} | {Usage(c.Json, "calls")} | {Usage(c.Json, "paidCalls")} | {c.Requests} | {c.Run.Wall.TotalSeconds:F2} | {Usage(r.Json, "calls")} | {Usage(r.Json, "paidCalls")} | {r.Requests} | {r.Run.Wall.TotalSeconds:F2} | {(r.Run.Cpu is { } cpu ? cpu.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) : "n/a")} | {speedup:F0}× | {(same ? "yes" : "NO")} |"));
            if (Usage(r.Json, "paidCalls") != "0" || r.Requests > 0 || !same)
            {
                exit = 1;
            }
        }

        Console.WriteLine();
        Console.WriteLine("# CLI goal: the rerun makes 0 paid calls and 0 server requests and reports the same best prompt and scores (its wall time includes process start-up, JIT and writing the report)");
        return exit;
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;

    /// <summary>One run: a prompt method on the task, or a decision method (EXPO family) in the environment.</summary>
    private static async Task<Measured> RunOnceAsync(
        string method, TaskDefinition task, string env, ModelSpec spec, string storePath, SimulatorServer server, int concurrency, int seed)
    {
        using var store = new PromptOptStore(storePath);
        var meter = new UsageMeter();
        ModelPipelineOptions Options() => new() { Usage = meter, Cache = store, MaxConcurrency = concurrency, Environment = _ => null };
        Func<Task<OptimizationResult>> run;
        string? note = null;
        if (OptimizerRegistry.IsDecisionMethod(method))
        {
            var agent = ModelFactory.Create(spec, ModelRoles.Agent, Options());
            var optimizerModel = ModelFactory.Create(spec, ModelRoles.Optimizer, Options());
            var optimizer = OptimizerRegistry.CreateDecision(method);
            run = async () =>
            {
                // As `promptopt optimize` does: the run's checkpoints (EXPO's per-step network outputs) live with its run id.
                var runId = "bench-cost-" + method;
                await store.CreateOrOpenRunAsync(new RunStart(runId, method, "{}", seed, new Dictionary<string, string>()));
                var request = new DecisionRequest
                {
                    Environment = EnvironmentCatalog.Create(env, seed),
                    AgentModel = agent,
                    OptimizerModel = optimizerModel,
                    Usage = meter,
                    Seed = seed,
                    Checkpoints = await RunCheckpoints.OpenAsync(store, runId),
                    Progress = new Notes(n => note = n),
                };
                return await optimizer.OptimizeAsync(request);
            };
        }
        else
        {
            var request = new OptimizationRequest
            {
                Task = task,
                TaskModel = ModelFactory.Create(spec, ModelRoles.Task, Options()),
                OptimizerModel = ModelFactory.Create(spec, ModelRoles.Optimizer, Options()),
                Usage = meter,
                Seed = seed,
                Evaluation = new EvaluationOptions { MaxConcurrency = concurrency },
            };
            var optimizer = OptimizerRegistry.Create(method);
            run = () => optimizer.OptimizeAsync(request);
        }

        long before = server.Stats.Requests;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        using var demand = new DemandSampler(() => meter.InFlight, OptimizerRegistry.IsDecisionMethod(method) ? 1 : concurrency);
        var sw = Stopwatch.StartNew();
        var result = await run();
        sw.Stop();
        double demanded = demand.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new Measured(sw.Elapsed, cpu, meter.Snapshot().Total, server.Stats.Requests - before, result, note, demanded);
    }

    /// <summary>Same best prompt, scores, candidate list, trajectory and details (EXPO: every step's arm, reward and top probabilities): a replay must reproduce the run exactly.</summary>
    private static bool SameResult(OptimizationResult a, OptimizationResult b) =>
        a.BestPrompt == b.BestPrompt
        && a.Trajectory.SequenceEqual(b.Trajectory)
        && a.Details.ToJsonString() == b.Details.ToJsonString()
        && a.BestTrainScore.Equals(b.BestTrainScore)
        && Nullable.Equals(a.BestTestScore, b.BestTestScore)
        && Nullable.Equals(a.StartTestScore, b.StartTestScore)
        && a.StopReason == b.StopReason
        && a.Candidates.Select(x => (x.Prompt, x.TrainScore)).SequenceEqual(b.Candidates.Select(x => (x.Prompt, x.TrainScore)));

    private sealed record Measured(TimeSpan Wall, TimeSpan Cpu, RoleUsage Usage, long ServerRequests, OptimizationResult Result, string? Note, double Demand);

    /// <summary>Keeps the last "score networks: …" notice of a run (how many network outputs it replayed and fits it ran).</summary>
    private sealed class Notes(Action<string> keep) : IProgress<OptimizationEvent>
    {
        public void Report(OptimizationEvent value)
        {
            if (value is RunNotice { Message: var m } && m.StartsWith("score networks:", StringComparison.Ordinal))
            {
                keep(m);
            }
        }
    }
}
