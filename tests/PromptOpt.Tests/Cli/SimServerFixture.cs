using System.Diagnostics;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Tests.Cli;

/// <summary>Starts a loopback simulator server serving the built-in tasks at the CLI's default seed.</summary>
internal static class SimServers
{
    public const int Seed = 42;

    public static Task<SimulatorServer> StartAsync(TimeSpan latency) =>
        SimulatorServer.StartAsync(new SimulatorServerOptions
        {
            World = SimulatorModels.CreateWorld([BuiltInTasks.Create("multistep_arithmetic", Seed)], options: new SimOptions { Seed = Seed }),
            LatencyMean = latency,
            Seed = Seed,
        });

    public static string ModelSpec(SimulatorServer server) => $"openai-compatible:{server.BaseUrl.ToString().TrimEnd('/')}|sim-1";

    /// <summary>Waits until the server has completed at least <paramref name="count"/> chat requests.</summary>
    /// <returns><see langword="true"/> once it has; <see langword="false"/> if <paramref name="giveUp"/> said so first.</returns>
    public static async Task<bool> WaitForCompletedAsync(SimulatorServer server, long count, TimeSpan timeout, Func<bool>? giveUp = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (server.Stats.Completed < count)
        {
            if (giveUp?.Invoke() == true)
            {
                return false;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the simulator server completed only {server.Stats.Completed} of {count} requests in {timeout}");
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>
    /// Waits until the server has settled: no chat request started, completed or faulted for <paramref name="quiet"/>
    /// (default 300 ms, several times the latencies tests use). Requests that a cancelled or killed client abandoned
    /// still complete on the server (and are counted) up to a latency later, so counts taken before that would be off.
    /// </summary>
    /// <exception cref="TimeoutException">The server was never quiet within <paramref name="timeout"/> (default 30 s).</exception>
    public static async Task WaitForQuietAsync(SimulatorServer server, TimeSpan? quiet = null, TimeSpan? timeout = null)
    {
        var interval = quiet ?? TimeSpan.FromMilliseconds(300);
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var overall = Stopwatch.StartNew();
        var since = Stopwatch.StartNew();
        var last = server.Stats;
        while (since.Elapsed < interval)
        {
            if (overall.Elapsed > limit)
            {
                throw new TimeoutException($"the simulator server was not quiet for {interval} within {limit}: {server.Stats}");
            }

            await Task.Delay(25);
            var now = server.Stats;
            if (now != last)
            {
                last = now;
                since.Restart();
            }
        }
    }
}
