using System.Diagnostics;
using PromptOpt.Cli;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Tests.Cli;

/// <summary>What a SIGKILLed child CLI left behind at the simulator server.</summary>
/// <param name="ExitCode">The child's exit code (non-zero after the kill).</param>
/// <param name="CompletedAtExit">Requests the server had completed when the child was seen to have exited.</param>
/// <param name="Completed">Requests the server had completed once it had been quiet after the kill.</param>
internal sealed record KilledChild(int ExitCode, long CompletedAtExit, long Completed)
{
    /// <summary>
    /// Gets the requests the server completed after the child had died: they were in flight at the kill, nobody received
    /// them, so they are paid for but can never be in the child's cache.
    /// </summary>
    public long CompletedAfterExit => Completed - CompletedAtExit;
}

/// <summary>Runs the CLI as a child process (<c>dotnet PromptOpt.Cli.dll …</c>) so that a test can SIGKILL it.</summary>
internal static class ChildCli
{
    private static readonly string[] EndpointVariables = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "PROMPTOPT_STORE", "PROMPTOPT_MODEL"];

    /// <summary>
    /// Starts the CLI with <paramref name="args"/>, waits until <paramref name="server"/> has completed
    /// <paramref name="completed"/> chat requests, SIGKILLs the process tree, waits for it to exit, and then waits until
    /// the server is quiet, so that requests the child left in flight have completed (and been counted) or been aborted
    /// before the caller reads any count.
    /// </summary>
    /// <param name="server">The simulator server the child calls.</param>
    /// <param name="args">The CLI arguments.</param>
    /// <param name="workingDirectory">The child's working directory.</param>
    /// <param name="completed">The server's completed-request count at which to kill.</param>
    /// <param name="timeout">How long to wait for that count.</param>
    /// <returns>The child's exit code and the server's completed counts at its exit and once quiet.</returns>
    /// <exception cref="InvalidOperationException">The child exited by itself before it could be killed.</exception>
    /// <exception cref="TimeoutException">The count was not reached, or the server did not settle.</exception>
    public static async Task<KilledChild> KillAfterAsync(SimulatorServer server, string[] args, string workingDirectory, long completed, TimeSpan timeout)
    {
        using var child = Start(args, workingDirectory, out var stdout, out var stderr);
        try
        {
            if (!await SimServers.WaitForCompletedAsync(server, completed, timeout, giveUp: () => child.HasExited))
            {
                throw new InvalidOperationException(
                    $"the child exited ({child.ExitCode}) before the server completed {completed} requests (it completed {server.Stats.Completed})\n"
                    + $"--- stdout\n{await stdout}\n--- stderr\n{await stderr}");
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
            await child.WaitForExitAsync();
        }

        // The child is dead, but requests it sent may still be at the server: waiting out their latency, or not yet read
        // from the socket. Each either completes (and is counted) or is aborted shortly; count only after that.
        long atExit = server.Stats.Completed;
        await SimServers.WaitForQuietAsync(server);
        return new KilledChild(child.ExitCode, atExit, server.Stats.Completed);
    }

    /// <summary>Starts the CLI as a child process with its output drained into the returned tasks.</summary>
    /// <param name="args">The CLI arguments.</param>
    /// <param name="workingDirectory">The child's working directory.</param>
    /// <param name="stdout">The child's standard output, once it exits.</param>
    /// <param name="stderr">The child's standard error, once it exits.</param>
    /// <returns>The process (dispose it; kill it if the test ends early).</returns>
    public static Process Start(string[] args, string workingDirectory, out Task<string> stdout, out Task<string> stderr)
    {
        var dll = typeof(CliApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var variable in EndpointVariables)
        {
            start.Environment.Remove(variable);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + dll);

        // Drain the pipes so the child never blocks on a full buffer; the text explains a child that exits early.
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
        return process;
    }
}
