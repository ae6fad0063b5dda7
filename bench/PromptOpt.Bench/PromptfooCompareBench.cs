using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Bench;

/// <summary>
/// Side by side with promptfoo: the same dataset (a built-in task's test split, exported), the same prompt, the same
/// loopback simulator server (started in-process with a fixed latency), the same concurrency, no cache on either side.
/// Each tool runs as a child process: <c>promptopt eval</c> (the Release CLI next to this bench, real OpenAI HTTP adapter,
/// a fresh temp store per run = cold cache) and <c>promptfoo eval --no-cache -j C</c> (provider <c>openai:chat</c> with
/// <c>apiBaseUrl</c> = the simulator, assertion <c>answer.js</c> = a JS port of PromptOpt's NumericMetric).
/// Requests/s are measured over the server window (first request in → last response out, so process start-up is left out)
/// and over the whole command (wall). Accuracy is checked against an in-process reference evaluation of the same world.
/// Usage: promptfoo-compare &lt;promptfoo-bin&gt; [latency-ms=100] [concurrency=8,32,128] [examples=1000] [repeats=3] [task=multistep_arithmetic] [seed=1].
/// </summary>
internal static class PromptfooCompareBench
{
    private const string ModelName = "sim-bench";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = BenchArgs.Positional(args, 7, required: 1);
        var promptfoo = Path.GetFullPath(args[0]);
        int latencyMs = parsed.Int(1, "latency-ms", 100);
        var levels = parsed.Ints(2, "concurrency", "8,32,128");
        int n = parsed.Int(3, "examples", 1000, min: 1);
        int repeats = parsed.Int(4, "repeats", 3, min: 1);
        var taskName = parsed.Text(5, "multistep_arithmetic");
        int seed = parsed.Int(6, "seed", 1, min: int.MinValue);

        var task = BuiltInTasks.Create(taskName, seed, trainSize: 10, testSize: n);
        if (task.Metric is not NumericMetric)
        {
            Console.Error.WriteLine($"promptfoo-compare: task '{taskName}' uses the {task.Metric.Name} metric; answer.js ports only the numeric metric (use multistep_arithmetic or object_counting)");
            return 2;
        }

        var cli = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "PromptOpt.Cli.exe" : "PromptOpt.Cli");
        var dir = Directory.CreateTempSubdirectory("promptopt-vs-promptfoo-");
        try
        {
            // One prompt, two template syntaxes: PromptOpt's {question} and promptfoo's Nunjucks {{question}}.
            var prompt = new Prompt(null, $"{task.DefaultInstruction}\n{task.AnswerFormat}\n\n{Prompt.QuestionPlaceholder}");
            var data = Path.Combine(dir.FullName, "data");
            ExportTaskBench.Export(task, data);
            File.WriteAllText(Path.Combine(dir.FullName, "prompt.txt"), prompt.User);
            File.WriteAllText(Path.Combine(dir.FullName, "prompt.promptfoo.txt"), prompt.User.Replace(Prompt.QuestionPlaceholder, "{{question}}", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(dir.FullName, "answer.js"), AnswerJs);

            var world = SimulatorModels.CreateWorld([task], options: new SimOptions { Seed = seed });
            await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions
            {
                World = world,
                Seed = seed,
                LatencyMean = TimeSpan.FromMilliseconds(latencyMs),
            });
            var baseUrl = server.BaseUrl.ToString().TrimEnd('/');
            File.WriteAllText(Path.Combine(dir.FullName, "promptfooconfig.yaml"), PromptfooConfig(baseUrl));
            using var window = new ServerWindow(server);

            // The reference: the same world in-process (no HTTP), the same prompt and examples.
            var reference = await Evaluator.EvaluateAsync(world.CreateClient(), prompt, task.Dataset.Test, task.Metric, new EvaluationOptions { MaxConcurrency = 8 });
            var referenceResponses = reference.Results.ToDictionary(r => r.Example.Input, r => r.Response ?? string.Empty, StringComparer.Ordinal);

            Console.WriteLine($"# {SimulatorServer.Banner}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores; load average {LoadAverage()}; task {task.Name} (seed {seed}), {n} test examples; latency {latencyMs} ms; {repeats} repeat(s), median shown"));
            Console.WriteLine($"# in-process reference accuracy (simulated): {reference.Score:F3}");
            Console.WriteLine($"# promptfoo: {promptfoo} (version {await PromptfooVersionAsync(promptfoo, dir.FullName)})");

            var pfEnv = new Dictionary<string, string>
            {
                ["OPENAI_API_KEY"] = "sk-dummy",
                ["OPENAI_BASE_URL"] = baseUrl,
                ["PROMPTFOO_CONFIG_DIR"] = Path.Combine(dir.FullName, "promptfoo-home"),
                ["PROMPTFOO_DISABLE_TELEMETRY"] = "1",
                ["PROMPTFOO_DISABLE_UPDATE"] = "1",
                ["PROMPTFOO_CACHE_ENABLED"] = "false",
                ["NO_COLOR"] = "1",
            };
            var poEnv = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };

            // Warm-up (disk cache, first-run set-up of each tool): 20 examples each, not recorded.
            var warmPo = await RunPromptOptAsync(cli, dir.FullName, data, baseUrl, 8, 20, seed, "warm", poEnv, window);
            var (warmPf, _) = await RunPromptfooAsync(promptfoo, dir.FullName, 8, "warm", pfEnv, window, task, limit: 20);
            Console.WriteLine($"# warm-up runs (20 examples, concurrency 8; ≈ start-up cost): PromptOpt wall {warmPo.Wall.TotalSeconds:F2} s, CPU {Cpu(warmPo)} s; promptfoo wall {warmPf.Wall.TotalSeconds:F2} s, CPU {Cpu(warmPf)} s");

            Console.WriteLine();
            Console.WriteLine("| concurrency | physical limit req/s | PromptOpt req/s (server window) | promptfoo req/s (server window) | PromptOpt ÷ promptfoo | max in flight PromptOpt / promptfoo | wall s PromptOpt / promptfoo | CPU s PromptOpt / promptfoo | PromptOpt accuracy | promptfoo accuracy | reference accuracy |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            int exit = 0;
            var notes = new List<string>();
            var checks = new List<PromptfooCheck>();
            foreach (var c in levels)
            {
                var po = new List<ToolRun>();
                var pf = new List<ToolRun>();
                for (int r = 0; r < repeats; r++)
                {
                    po.Add(await RunPromptOptAsync(cli, dir.FullName, data, baseUrl, c, null, seed, $"c{c}-r{r}", poEnv, window));
                    var (run, check) = await RunPromptfooAsync(promptfoo, dir.FullName, c, $"c{c}-r{r}", pfEnv, window, task, limit: null);
                    pf.Add(run);
                    checks.Add(check);
                }

                var a = Median(po);
                var b = Median(pf);
                double limit = c * 1000.0 / latencyMs;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {c} | {limit:F0} | {a.Rps:F1} ({100 * a.Rps / limit:F0} %) | {b.Rps:F1} ({100 * b.Rps / limit:F0} %) | {a.Rps / b.Rps:F2} | {a.MaxInFlight} / {b.MaxInFlight} | {a.Wall.TotalSeconds:F2} / {b.Wall.TotalSeconds:F2} | {Cpu(a)} / {Cpu(b)} | {a.Accuracy:F3} | {b.Accuracy:F3} | {reference.Score:F3} |"));

                foreach (var run in po.Concat(pf))
                {
                    if (run.Requests != n || Math.Abs(run.Accuracy - reference.Score) > 1e-9)
                    {
                        exit = 1;
                        notes.Add(string.Create(CultureInfo.InvariantCulture, $"{run.Tool} c={c}: {run.Requests} requests for {n} examples, accuracy {run.Accuracy:F4} vs reference {reference.Score:F4}"));
                    }

                    notes.AddRange(run.Notes.Select(note => $"{run.Tool} c={c}: {note}"));
                }
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# cross-check over {checks.Count} promptfoo runs: {checks.Sum(k => k.Outputs)} outputs, {checks.Sum(k => k.DifferentFromReference)} differ from the in-process reference response, " +
                $"{checks.Sum(k => k.MetricDisagreements)} where answer.js and PromptOpt's NumericMetric disagree on promptfoo's own output"));
            foreach (var note in notes.Distinct())
            {
                Console.WriteLine("# NOTE " + note);
            }

            if (checks.Any(k => k.DifferentFromReference > 0 || k.MetricDisagreements > 0))
            {
                exit = 1;
            }

            return exit;

            async Task<(ToolRun Run, PromptfooCheck Check)> RunPromptfooAsync(string bin, string work, int c, string tag, Dictionary<string, string> env, ServerWindow w, TaskDefinition t, int? limit)
            {
                var output = Path.Combine(work, $"promptfoo-{tag}.json");
                var argv = new List<string> { "eval", "-c", "promptfooconfig.yaml", "--no-cache", "-j", c.ToString(CultureInfo.InvariantCulture), "-o", output, "--no-progress-bar", "--no-table" };
                if (limit is { } l)
                {
                    argv.AddRange(["--filter-first-n", l.ToString(CultureInfo.InvariantCulture)]);
                }

                w.Reset();
                var run = await ChildProcess.RunAsync(bin, argv, env, work, RunTimeout);
                Save(work, $"promptfoo-{tag}", run);
                var (requests, completed, span, inFlight) = w.Read();
                if (!File.Exists(output))
                {
                    throw new InvalidOperationException($"promptfoo wrote no results (exit {run.ExitCode}):\n{Tail(run.Stdout)}\n{Tail(run.Stderr)}");
                }

                var check = CheckPromptfoo(File.ReadAllText(output), t, referenceResponses);
                var notes = new List<string>();
                if (check.Errors > 0)
                {
                    notes.Add($"{check.Errors} promptfoo errors, e.g. {check.FirstError}");
                }

                return (new ToolRun("promptfoo", completed / Seconds(span, run.Wall), run.Wall, run.Cpu, check.Accuracy, requests, inFlight, notes), check);
            }
        }
        finally
        {
            try
            {
                if (Environment.GetEnvironmentVariable("PROMPTOPT_BENCH_KEEP") == "1")
                {
                    Console.WriteLine($"# kept the work directory (PROMPTOPT_BENCH_KEEP=1): {dir.FullName}");
                }
                else
                {
                    dir.Delete(recursive: true);
                }
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private static async Task<ToolRun> RunPromptOptAsync(
        string cli, string work, string data, string baseUrl, int c, int? limit, int seed, string tag, Dictionary<string, string> env, ServerWindow window)
    {
        var argv = new List<string>
        {
            "eval", "--task", data, "--split", "test", "--prompt", "@prompt.txt",
            "--model", $"openai-compatible:{baseUrl}|{ModelName}", "--concurrency", c.ToString(CultureInfo.InvariantCulture),
            "--store", Path.Combine(work, $"store-{tag}.db"), "--seed", seed.ToString(CultureInfo.InvariantCulture), "--json",
        };
        if (limit is { } l)
        {
            argv.AddRange(["--limit", l.ToString(CultureInfo.InvariantCulture)]);
        }

        window.Reset();
        var run = await ChildProcess.RunAsync(cli, argv, env, work, RunTimeout);
        Save(work, $"promptopt-{tag}", run);
        var (requests, completed, span, inFlight) = window.Read();
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"promptopt eval exited {run.ExitCode}:\n{Tail(run.Stdout)}\n{Tail(run.Stderr)}");
        }

        var json = JsonNode.Parse(run.Stdout)!;
        var notes = new List<string>();
        if (json["errors"]!.GetValue<int>() > 0)
        {
            notes.Add($"{json["errors"]} PromptOpt errors");
        }

        if (json["usage"]!["cacheHits"]!.GetValue<long>() > 0)
        {
            notes.Add($"{json["usage"]!["cacheHits"]} cache hits in a fresh store");
        }

        return new ToolRun("PromptOpt", completed / Seconds(span, run.Wall), run.Wall, run.Cpu, json["score"]!.GetValue<double>(), requests, inFlight, notes);
    }

    /// <summary>Reads promptfoo's -o JSON: accuracy, errors, and each output compared with the reference and re-scored by our metric.</summary>
    private static PromptfooCheck CheckPromptfoo(string json, TaskDefinition task, Dictionary<string, string> reference)
    {
        var root = JsonNode.Parse(json)!;
        var rows = root["results"]?["results"] as JsonArray ?? throw new InvalidOperationException("promptfoo output has no results.results array");
        var byInput = task.Dataset.Test.ToDictionary(e => e.Input, StringComparer.Ordinal);
        int outputs = 0, passed = 0, errors = 0, different = 0, disagree = 0;
        string? firstError = null;
        foreach (var row in rows.OfType<JsonObject>())
        {
            var input = row["vars"]?["question"]?.GetValue<string>() ?? string.Empty;
            var output = row["response"]?["output"]?.ToString();
            bool success = row["success"]?.GetValue<bool>() ?? false;
            var error = row["error"]?.ToString() ?? row["response"]?["error"]?.ToString();
            if (output is null && error is not null)
            {
                errors++;
                firstError ??= error.Length > 160 ? error[..160] : error;
                continue;
            }

            outputs++;
            passed += success ? 1 : 0;
            if (!reference.TryGetValue(input, out var expected) || expected != output)
            {
                different++;
            }

            if (byInput.TryGetValue(input, out var example) && (task.Metric.Score(output ?? string.Empty, example).Score >= 1) != success)
            {
                disagree++;
            }
        }

        return new PromptfooCheck(outputs, rows.Count == 0 ? 0 : (double)passed / rows.Count, errors, different, disagree, firstError);
    }

    private static void Save(string work, string name, ChildProcess.Result run)
    {
        File.WriteAllText(Path.Combine(work, name + ".stdout.txt"), run.Stdout);
        File.WriteAllText(Path.Combine(work, name + ".stderr.txt"), run.Stderr);
    }

    private static string Cpu(ToolRun run) => run.Cpu is { } cpu ? cpu.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    private static double Seconds(TimeSpan window, TimeSpan wall) => window > TimeSpan.Zero ? window.TotalSeconds : wall.TotalSeconds;

    private static ToolRun Median(List<ToolRun> runs) => runs.OrderBy(r => r.Rps).ElementAt(runs.Count / 2);

    private static string Tail(string text) => text.Length > 2000 ? text[^2000..] : text;

    private static async Task<string> PromptfooVersionAsync(string bin, string work)
    {
        var run = await ChildProcess.RunAsync(bin, ["--version"], new Dictionary<string, string> { ["PROMPTFOO_DISABLE_TELEMETRY"] = "1", ["PROMPTFOO_DISABLE_UPDATE"] = "1" }, work, TimeSpan.FromMinutes(2));
        var m = System.Text.RegularExpressions.Regex.Match(run.Stdout, @"\d+\.\d+\.\d+");
        return m.Success ? m.Value : "?";
    }

    internal static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string PromptfooConfig(string baseUrl) => $"""
        # Generated by PromptOpt.Bench promptfoo-compare. The provider is PromptOpt's loopback SIMULATOR, not a real model.
        description: PromptOpt side-by-side (simulator)
        prompts:
          - file://prompt.promptfoo.txt
        providers:
          - id: openai:chat:{ModelName}
            config:
              apiBaseUrl: {baseUrl}
              apiKey: sk-dummy
              temperature: 0
              max_tokens: 512
        defaultTest:
          assert:
            - type: javascript
              value: file://answer.js
        tests: file://data/tests.csv
        """;

    /// <summary>promptfoo's assertion: a line-by-line port of PromptOpt's NumericMetric + AnswerExtractor (ExtractTag, ExtractLastNumber, ParseNumber).</summary>
    private const string AnswerJs = """
        // PromptOpt's NumericMetric, ported 1:1 (src/PromptOpt/Evaluation/Metrics/NumericMetric.cs, AnswerExtractor.cs):
        // text = the content of the LAST <answer> block (case-insensitive; an unclosed last tag runs to the end), else the
        // whole output; prediction = the last number in text (thousands separators, Unicode minus; number words zero..twenty
        // only when no digits occur); pass when |p - t| <= 1e-6 * max(1, |t|).
        const WORDS = ['zero','one','two','three','four','five','six','seven','eight','nine','ten','eleven','twelve','thirteen',
          'fourteen','fifteen','sixteen','seventeen','eighteen','nineteen','twenty'];
        function extractTag(response) {
          const lower = response.toLowerCase();
          const start = lower.lastIndexOf('<answer>');
          if (start < 0) return null;
          const from = start + '<answer>'.length;
          const end = lower.indexOf('</answer>', from);
          return (end < 0 ? response.slice(from) : response.slice(from, end)).trim();
        }
        function parseNumber(t) {
          t = String(t).trim().replace(/\u2212/g, '-').replace(/,/g, '');
          return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : null;
        }
        function lastNumber(text) {
          text = text.replace(/\u2212/g, '-');
          const digits = text.match(/(?:(?<![\w)\]])-)?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?/g);
          if (digits) return parseNumber(digits[digits.length - 1]);
          const words = text.match(/\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b/gi);
          return words ? WORDS.indexOf(words[words.length - 1].toLowerCase()) : null;
        }
        module.exports = (output, context) => {
          const target = parseNumber(context.vars.target);
          const response = String(output ?? '');
          const tagged = extractTag(response);
          const value = lastNumber(tagged ?? response);
          const pass = value !== null && target !== null && Math.abs(value - target) <= 1e-6 * Math.max(1, Math.abs(target));
          return { pass, score: pass ? 1 : 0, reason: pass ? 'correct' : `expected ${context.vars.target}, got ${value}` };
        };
        """;

    private sealed record ToolRun(string Tool, double Rps, TimeSpan Wall, TimeSpan? Cpu, double Accuracy, long Requests, long MaxInFlight, IReadOnlyList<string> Notes);

    private sealed record PromptfooCheck(int Outputs, double Accuracy, int Errors, int DifferentFromReference, int MetricDisagreements, string? FirstError);
}
