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
    public static async Task WaitForCompletedAsync(SimulatorServer server, long count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (server.Stats.Completed < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the simulator server completed only {server.Stats.Completed} of {count} requests in {timeout}");
            }

            await Task.Delay(20);
        }
    }
}
