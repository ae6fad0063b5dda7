using System.Net.Http;
using PromptOpt.Cli;

namespace PromptOpt.Tests.Cli;

public class SimServerCommandTests
{
    [Fact]
    public async Task SimServer_Started_SaysSimulatorServesChatAndStopsOnCancel()
    {
        var stdout = new LineSignalWriter("listening on");
        var stderr = new StringWriter();
        var context = new CliContext(stdout, TextWriter.Synchronized(stderr), environment: _ => null, workingDirectory: Path.GetTempPath());
        using var cts = new CancellationTokenSource();

        var running = CliApp.InvokeAsync(["sim-server", "--port", "0", "--seed", "7"], context, cts.Token);
        var line = await stdout.Signal.WaitAsync(TimeSpan.FromSeconds(30));
        var baseUrl = line[(line.IndexOf("http", StringComparison.Ordinal))..].Split(' ')[0];
        using var http = new HttpClient();
        var models = await http.GetStringAsync(baseUrl + "/models");
        await cts.CancelAsync();
        int code = await running;

        Assert.Equal(0, code);
        Assert.Contains("SIMULATOR", stdout.ToString());
        Assert.Contains("not produced by a real model", stdout.ToString());
        Assert.Contains("sim-1", models);
        Assert.Contains("SIMULATOR stopped", stderr.ToString());
    }

    [Fact]
    public async Task SimServer_BadFaults_ExitsTwoBeforeListening()
    {
        var run = await CliHarness.RunAsync("sim-server", "--port", "0", "--faults", "418=0.5");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown fault kind '418'", Assert.Single(run.ErrorLines));
        Assert.Equal(string.Empty, run.Stdout);
    }

    /// <summary>A thread-safe writer that completes <see cref="Signal"/> with the first line containing a marker.</summary>
    private sealed class LineSignalWriter(string marker) : StringWriter
    {
        private readonly TaskCompletionSource<string> _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();

        public Task<string> Signal => _signal.Task;

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }

            if (value is not null && value.Contains(marker, StringComparison.Ordinal))
            {
                _signal.TrySetResult(value);
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }
    }
}
