using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace PromptOpt.Bench;

/// <summary>
/// CPU and allocations per request of the CLIENT path only: the loopback simulator server runs in a separate process
/// (this executable, started with <c>--serve</c>), so <see cref="Process.TotalProcessorTime"/> of this process is the
/// client's alone (plus its idle background threads). Two modes:
/// <list type="bullet">
/// <item><c>layers</c>: latency 0, a fixed number of requests at a fixed concurrency through each layer in turn, from a bare
/// <see cref="HttpClient"/> up to the full <see cref="ModelFactory"/> pipeline and the evaluator: CPU µs and KB allocated
/// per request.</item>
/// <item><c>throughput</c>: the evaluator through the full pipeline at the given latency and concurrency levels: requests/s
/// vs the physical limit (concurrency ÷ latency) and the client's CPU µs per request.</item>
/// </list>
/// Usage: client-cpu layers [requests=4000] [concurrency=32] | client-cpu throughput [latency-ms=100] [concurrency=256] [examples=1000].
/// </summary>
internal static class ClientCpuBench
{
    private const string Model = "sim-bench";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--serve")
        {
            return await ServeAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
        }

        string mode = args.Length > 0 ? args[0] : "layers";
        var rest = args.Length > 0 ? args[1..] : [];
        return mode switch
        {
            "layers" => await LayersAsync(rest),
            "throughput" => await ThroughputAsync(rest),
            _ => throw new BenchUsageException($"unknown mode '{mode}' (layers or throughput)"),
        };
    }

    private static async Task<int> LayersAsync(string[] args)
    {
        var a = BenchArgs.Positional(args, 2);
        int requests = a.Int(0, "requests", 4000, min: 1);
        int concurrency = a.Int(1, "concurrency", 32, min: 1);
        var task = Task();
        await using var server = await ServerProcess.StartAsync(0);
        Header(server.BaseUrl, $"latency 0 ms, {requests} requests per layer at concurrency {concurrency}, after {requests / 4} warm-up requests");

        // The messages and options the evaluator sends for one example, captured once and reused by every layer.
        var capture = new BareCeiling.CapturingChatClient();
        var evalOptions = new EvaluationOptions { MaxConcurrency = 1 };
        await Evaluator.EvaluateAsync(capture, task.OneLinePrompt, task.Dataset.Test.Take(1).ToList(), task.Metric, evalOptions);
        var (messages, captured) = capture.Calls.Single();
        var options = captured!;

        // The exact request body the provider sends, captured on the wire, for the bare HttpClient row.
        var recorder = new RecordingHandler();
        using (var recordingHttp = new HttpClient(recorder))
        {
            using var recording = OpenAIChatClients.Create(server.BaseUrl, Model, null, TimeSpan.FromSeconds(120), recordingHttp, null, forwardPromptOptProperties: true);
            await recording.GetResponseAsync([.. messages], options.Clone());
        }

        var body = recorder.Body!;
        var chatUrl = new Uri(server.BaseUrl, "chat/completions");
        using var http = new HttpClient();
        var sdk = new ChatClient(Model, new System.ClientModel.ApiKeyCredential("no-key"), new OpenAI.OpenAIClientOptions { Endpoint = server.BaseUrl });
        var sdkMessages = messages.Select(m => m.Role == ChatRole.System ? (OpenAI.Chat.ChatMessage)new SystemChatMessage(m.Text)
            : m.Role == ChatRole.Assistant ? new AssistantChatMessage(m.Text) : new UserChatMessage(m.Text)).ToList();
        var sdkOptions = new ChatCompletionOptions { Temperature = options.Temperature, MaxOutputTokenCount = options.MaxOutputTokens };
        using var meai = sdk.AsIChatClient();
        using var provider = OpenAIChatClients.Create(server.BaseUrl, Model, null, TimeSpan.FromSeconds(120), null, null, forwardPromptOptProperties: true);
        using var pipeline = ModelFactory.Create(ModelSpec.Parse($"openai-compatible:{server.BaseUrl}|{Model}"), ModelRoles.Task,
            new ModelPipelineOptions { Usage = new UsageMeter(), MaxConcurrency = concurrency, Environment = _ => null });
        var examples = task.Dataset.Test.Take(requests).ToList();

        var layers = new (string Name, Func<int, Task> Call)[]
        {
            ("bare HttpClient POST (the provider's captured request body; response read as bytes)", async i =>
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync(chatUrl, content);
                _ = await response.Content.ReadAsByteArrayAsync();
            }),
            ("OpenAI SDK ChatClient.CompleteChatAsync (typed)", async i => _ = (await sdk.CompleteChatAsync(sdkMessages, sdkOptions)).Value.Content[0].Text),
            ("MEAI AsIChatClient() over the SDK", async i => _ = (await meai.GetResponseAsync([.. messages], options.Clone())).Text),
            ("PromptOpt provider (OpenAIChatClients.Create, forwarding on)", async i => _ = (await provider.GetResponseAsync([.. messages], options.Clone())).Text),
            ("full ModelFactory pipeline (telemetry, usage, throttle, retry)", async i => _ = (await pipeline.GetResponseAsync([.. messages], options.Clone())).Text),
        };

        Console.WriteLine("| layer | CPU µs/request | KB allocated/request | requests/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, call) in layers)
        {
            await RunWorkersAsync(requests / 4, concurrency, call); // warm-up
            var (cpu, bytes, wall) = await MeasureAsync(() => RunWorkersAsync(requests, concurrency, call));
            Row(name, cpu, bytes, wall, requests);
        }

        // The evaluator over the full pipeline (rendering, metric, result rows on top).
        var eval = new EvaluationOptions { MaxConcurrency = concurrency };
        await Evaluator.EvaluateAsync(pipeline, task.OneLinePrompt, examples.Take(requests / 4).ToList(), task.Metric, eval);
        var (ecpu, ebytes, ewall) = await MeasureAsync(() => Evaluator.EvaluateAsync(pipeline, task.OneLinePrompt, examples, task.Metric, eval));
        Row("evaluator over the full pipeline", ecpu, ebytes, ewall, examples.Count);
        return 0;
    }

    private static async Task<int> ThroughputAsync(string[] args)
    {
        var a = BenchArgs.Positional(args, 3);
        int latencyMs = a.Int(0, "latency-ms", 100);
        var levels = a.Ints(1, "concurrency", "256");
        int n = a.Int(2, "examples", 1000, min: 1);
        var task = Task(Math.Max(n, 10));
        await using var server = await ServerProcess.StartAsync(latencyMs);
        Header(server.BaseUrl, $"latency {latencyMs} ms, {n} examples per level, no cache");
        var spec = ModelSpec.Parse($"openai-compatible:{server.BaseUrl}|{Model}");
        var warm = ModelFactory.Create(spec, ModelRoles.Task, new ModelPipelineOptions { Usage = new UsageMeter(), MaxConcurrency = RequestTimeline.WarmConcurrency, Environment = _ => null });
        await Evaluator.EvaluateAsync(warm, task.OneLinePrompt, RequestTimeline.WarmExamples(task.Dataset.Train), task.Metric, new EvaluationOptions { MaxConcurrency = RequestTimeline.WarmConcurrency });
        using var bare = new HttpClient();
        Console.WriteLine("| concurrency | examples | wall s | requests/s | physical limit req/s | % of limit | client CPU µs/request | client KB/request | accuracy (simulated) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in levels)
        {
            var examples = task.Dataset.Test.Take(n).ToList();
            if (BareCeiling.Enabled && BareCeiling.First)
            {
                await BareCeiling.RowAsync(bare, server.BaseUrl, Model, task.OneLinePrompt, examples, task.Metric, c, latencyMs, " | | |");
            }

            IChatClient model = ModelFactory.Create(spec, ModelRoles.Task, new ModelPipelineOptions { Usage = new UsageMeter(), MaxConcurrency = c, Environment = _ => null });
            var timeline = RequestTimeline.Enabled ? new RequestTimeline(model, n) : null;
            model = timeline ?? model;
            EvaluationResult? result = null;
            var (cpu, bytes, wall) = await MeasureAsync(async () =>
                result = await Evaluator.EvaluateAsync(model, task.OneLinePrompt, examples, task.Metric, new EvaluationOptions { MaxConcurrency = c }));
            timeline?.Report(c, wall);
            double rps = n / wall.TotalSeconds;
            double limit = c * 1000.0 / latencyMs;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c} | {n} | {wall.TotalSeconds:F2} | {rps:F1} | {limit:F1} | {100 * rps / limit:F1} % | {cpu.TotalMicroseconds / n:F0} | {bytes / 1024.0 / n:F1} | {result!.Score:F3} |"));
            if (BareCeiling.Enabled && !BareCeiling.First)
            {
                await BareCeiling.RowAsync(bare, server.BaseUrl, Model, task.OneLinePrompt, examples, task.Metric, c, latencyMs, " | | |");
            }
        }

        return 0;
    }

    private static TaskDefinition Task(int testSize = 20_000) =>
        BuiltInTasks.Create("multistep_arithmetic", seed: 1, trainSize: 10, testSize: testSize);

    private static void Header(Uri baseUrl, string what)
    {
        Console.WriteLine($"# {SimulatorServer.Banner}");
        Console.WriteLine($"# simulator server in a separate process at {baseUrl}; {what}; {Environment.ProcessorCount} cores; " +
            "CPU = this (client) process's TotalProcessorTime, bytes = GC.GetTotalAllocatedBytes");
    }

    private static void Row(string name, TimeSpan cpu, long bytes, TimeSpan wall, int requests) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {cpu.TotalMicroseconds / requests:F0} | {bytes / 1024.0 / requests:F1} | {requests / wall.TotalSeconds:F0} |"));

    private static async Task<(TimeSpan Cpu, long Bytes, TimeSpan Wall)> MeasureAsync(Func<Task> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        await run();
        sw.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        process.Refresh();
        return (process.TotalProcessorTime - cpu, allocated, sw.Elapsed);
    }

    /// <summary>Makes <paramref name="requests"/> calls (indices 0, 1, …) from <paramref name="concurrency"/> workers, each taking the next index when its call ends.</summary>
    internal static Task RunWorkersAsync(int requests, int concurrency, Func<int, Task> call)
    {
        int next = -1;
        return System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => System.Threading.Tasks.Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                await call(i);
            }
        })));
    }

    /// <summary>The child: serves the simulator until its standard input closes.</summary>
    private static async Task<int> ServeAsync(int latencyMs)
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions
        {
            World = SimulatorModels.CreateWorld([Task()]),
            LatencyMean = TimeSpan.FromMilliseconds(latencyMs),
        });
        Console.WriteLine(server.BaseUrl);
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        return 0;
    }

    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process, Uri baseUrl)
        {
            _process = process;
            BaseUrl = baseUrl;
        }

        public Uri BaseUrl { get; }

        public static async Task<ServerProcess> StartAsync(int latencyMs)
        {
            var info = new ProcessStartInfo(Environment.ProcessPath!)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) is "dotnet")
            {
                info.ArgumentList.Add(typeof(ClientCpuBench).Assembly.Location);
            }

            // A tracer that launched this process (`dotnet-trace collect -- …`) passes its diagnostic port in the environment;
            // a child that inherited it would suspend at start-up waiting for that tracer, and the bench would hang. The
            // server is not what is being profiled here: it starts without the port.
            info.Environment.Remove("DOTNET_DiagnosticPorts");

            foreach (var arg in new[] { "client-cpu", "--serve", latencyMs.ToString(CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the server process");
            var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the server process printed no URL");
            return new ServerProcess(process, new Uri(line));
        }

        public async ValueTask DisposeAsync()
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }

    private sealed class RecordingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        public byte[]? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
