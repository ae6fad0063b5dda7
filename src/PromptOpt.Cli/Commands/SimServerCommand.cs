using System.CommandLine;
using System.Globalization;
using PromptOpt.Data;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Cli.Commands;

/// <summary>
/// <c>promptopt sim-server</c>: serves the SIMULATOR as an OpenAI-compatible endpoint on 127.0.0.1, with optional latency
/// and faults, until Ctrl-C. For testing clients and measuring throughput; its answers are not a real model's.
/// </summary>
internal static class SimServerCommand
{
    /// <summary>The default port.</summary>
    public const int DefaultPort = 8787;

    /// <summary>Creates the command.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port")
        {
            Description = "The TCP port on 127.0.0.1 (0 picks a free port and prints it).",
            DefaultValueFactory = _ => DefaultPort,
        }.AtLeast(0).AtMost(65535);
        var latency = new Option<int>("--latency-ms")
        {
            Description = "Mean added latency per request, in milliseconds.",
            HelpName = "ms",
            DefaultValueFactory = _ => 0,
        }.AtLeast(0);
        var jitter = new Option<int>("--jitter-ms")
        {
            Description = "Latency jitter: each request's latency is uniform in mean ± jitter, in milliseconds.",
            HelpName = "ms",
            DefaultValueFactory = _ => 0,
        }.AtLeast(0);
        var faults = new Option<string?>("--faults")
        {
            Description = $"Injected faults as kind=rate pairs, kinds {FaultSpec.Kinds}; e.g. 429=0.05,500=0.02. Default: none.",
            HelpName = "kind=rate,…",
        };
        var tasks = new Option<string[]>("--task")
        {
            Description = "Extra tasks the simulator answers (a dataset directory or JSONL file; repeatable). The built-in tasks are always served.",
            HelpName = "dir|file",
            AllowMultipleArgumentsPerToken = false,
        };
        var seed = CommonOptions.Seed();
        seed.Description = "Seed of the simulated world and of the built-in tasks it serves (use the same --seed on the client).";
        var command = new Command("sim-server", "Serve the SIMULATOR (not a real LLM) as an OpenAI-compatible endpoint on 127.0.0.1 until Ctrl-C. " +
            "Point a client at it with OPENAI_BASE_URL=http://127.0.0.1:<port>/v1 or --model 'openai-compatible:http://127.0.0.1:<port>/v1|sim-1@seed<seed>' (the model id it prints: the seed is part of the model's identity, so a response cache keeps worlds apart). " +
            "It also serves /v1/embeddings (the built-in hashing embedder's vectors), e.g. --embedder 'openai-compatible:http://127.0.0.1:<port>/v1|hash'.")
        {
            port, latency, jitter, faults, tasks, seed,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, json: false, token => RunAsync(
            context,
            parse.GetValue(port), parse.GetValue(latency), parse.GetValue(jitter), parse.GetValue(faults), parse.GetValue(tasks) ?? [], parse.GetValue(seed),
            token), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, int port, int latencyMs, int jitterMs, string? faultText, string[] extraTasks, int seed, CancellationToken cancellationToken)
    {
        var faults = FaultSpec.Parse(faultText);
        if (jitterMs > latencyMs)
        {
            throw new PromptOptInputException($"--jitter-ms ({jitterMs}) must not exceed --latency-ms ({latencyMs})");
        }

        var tasks = CliContext.ListBuiltInTasks(seed).Concat(extraTasks.Select(t => context.ResolveTask(t, seed))).ToList();
        var world = SimulatorModels.CreateWorld(tasks, options: new SimOptions { Seed = seed });
        var options = new SimulatorServerOptions
        {
            World = world,
            Port = port,
            LatencyMean = TimeSpan.FromMilliseconds(latencyMs),
            LatencyJitter = TimeSpan.FromMilliseconds(jitterMs),
            Seed = seed,
            Faults = new SimulatorFaults
            {
                RateLimitRate = faults.RateLimit,
                ServerErrorRate = faults.ServerError,
                UnavailableRate = faults.Unavailable,
                TimeoutRate = faults.Timeout,
                MalformedJsonRate = faults.Malformed,
                DropConnectionRate = faults.Drop,
            },
        };

        SimulatorServer server;
        try
        {
            server = await SimulatorServer.StartAsync(options, cancellationToken);
        }
        catch (IOException ex)
        {
            // Kestrel reports a port in use as an IOException: a bad --port, not a crash.
            throw new PromptOptInputException($"cannot listen on 127.0.0.1:{port}: {ex.Message}", ex);
        }

        await using (server)
        {
            var baseUrl = server.BaseUrl.ToString().TrimEnd('/');
            var o = context.Out;
            o.WriteLine(SimulatorServer.Banner);
            o.WriteLine($"SIMULATOR listening on {baseUrl}  (POST /v1/chat/completions, GET /v1/models)");
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model {world.Options.GetModelIdentity()} (the seed is part of the model's identity), seed {seed}, latency {latencyMs}±{jitterMs} ms, faults {(faultText is null ? "none" : faultText)}"));
            o.WriteLine($"tasks: {string.Join(", ", tasks.Select(t => t.Name))}");
            o.WriteLine($"use:  --model 'openai-compatible:{baseUrl}|{world.Options.GetModelIdentity()}' --seed {seed.ToString(CultureInfo.InvariantCulture)}   (Ctrl-C stops)");
            o.Flush();

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C is how a server is meant to stop: report and exit 0.
            }

            var stats = server.Stats;
            context.Note(string.Create(CultureInfo.InvariantCulture,
                $"SIMULATOR stopped: {stats.Requests} requests, {stats.Completed} completed, {stats.Faults} injected faults"));
        }

        return ExitCodes.Ok;
    }
}
