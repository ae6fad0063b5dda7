using System.CommandLine;

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
        }.AtLeast(0);
        var latency = new Option<int>("--latency-ms")
        {
            Description = "Mean added latency per request, in milliseconds.",
            HelpName = "ms",
            DefaultValueFactory = _ => 0,
        }.AtLeast(0);
        var jitter = new Option<int>("--jitter-ms")
        {
            Description = "Latency jitter (spread around the mean), in milliseconds.",
            HelpName = "ms",
            DefaultValueFactory = _ => 0,
        }.AtLeast(0);
        var faults = new Option<string?>("--faults")
        {
            Description = "Injected faults as kind=rate pairs, e.g. 429=0.05,500=0.02,503=0.01,timeout=0.01,malformed=0.01,drop=0.01. Default: none.",
            HelpName = "kind=rate,…",
        };
        var seed = CommonOptions.Seed();
        var command = new Command("sim-server", "Serve the SIMULATOR (not a real LLM) as an OpenAI-compatible endpoint on 127.0.0.1 until Ctrl-C. " +
            "Point a client at it with OPENAI_BASE_URL=http://127.0.0.1:<port>/v1 or --model 'openai-compatible:http://127.0.0.1:<port>/v1|sim'.")
        {
            port, latency, jitter, faults, seed,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, json: false, token => context.ServeSimulatorAsync(
            new SimServerArgs(parse.GetValue(port), parse.GetValue(latency), parse.GetValue(jitter), parse.GetValue(faults), parse.GetValue(seed)),
            token), ct));
        return command;
    }
}

/// <summary>The <c>sim-server</c> option values.</summary>
/// <param name="Port">The port (0: any free port).</param>
/// <param name="LatencyMs">Mean latency.</param>
/// <param name="JitterMs">Latency jitter.</param>
/// <param name="Faults">The fault spec, or null.</param>
/// <param name="Seed">The world seed.</param>
internal sealed record SimServerArgs(int Port, int LatencyMs, int JitterMs, string? Faults, int Seed);
