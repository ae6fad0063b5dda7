using PromptOpt.Cli;
using PromptOpt.Data;

namespace PromptOpt.Tests.Cli;

public class CommandRunnerTests
{
    private static (CliContext Context, StringWriter Out, StringWriter Err) Context(bool verbose = false)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (new CliContext(o, e) { Verbose = verbose }, o, e);
    }

    private static string[] Lines(StringWriter w) => w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task RunAsync_RuntimeFailure_ExitsOneWithOneLineAndAHint()
    {
        var (context, o, e) = Context();

        int code = await CommandRunner.RunAsync(context, json: false, _ => throw new InvalidOperationException("endpoint said 401\nsecond line"), default);

        Assert.Equal(ExitCodes.RuntimeFailure, code);
        Assert.Equal(["error: endpoint said 401", "(run with --verbose for details)"], Lines(e));
        Assert.Equal(string.Empty, o.ToString());
    }

    [Fact]
    public async Task RunAsync_RuntimeFailureVerbose_PrintsTheStackTrace()
    {
        var (context, _, e) = Context(verbose: true);

        await CommandRunner.RunAsync(context, json: false, _ => Task.FromException<int>(new InvalidOperationException("boom")), default);

        Assert.StartsWith("error: boom", e.ToString());
        Assert.Contains("System.InvalidOperationException: boom", e.ToString());
    }

    [Fact]
    public async Task RunAsync_RunInUse_ExitsFourWithOneLineNamingTheHolder()
    {
        var (context, o, e) = Context();
        var holder = new PromptOpt.Storage.RunLeaseHolder(4242, "host1", "t", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        int code = await CommandRunner.RunAsync(context, json: true, _ => throw new PromptOpt.Storage.RunInUseException("run-1", holder), default);

        Assert.Equal(ExitCodes.RunInUse, code);
        Assert.Equal(4, ExitCodes.RunInUse); // documented in README's exit-code list: scripts rely on the number
        Assert.StartsWith("error: run 'run-1' is being run by process 4242 on host1", Assert.Single(Lines(e)));
        Assert.Contains("\"exitCode\":4", o.ToString());
    }

    [Fact]
    public async Task RunAsync_InputErrorWrappedByAnotherException_ExitsTwo()
    {
        var (context, _, e) = Context();

        int code = await CommandRunner.RunAsync(context, json: false,
            _ => throw new AggregateException(new DataFormatException("data.jsonl:3: expected a JSON object")), default);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(Lines(e));
    }

    [Fact]
    public async Task RunAsync_CancelledByTheToken_Exits130()
    {
        var (context, o, e) = Context();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        int code = await CommandRunner.RunAsync(context, json: true, ct => Task.FromCanceled<int>(ct), cts.Token);

        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Contains("cancelled", Assert.Single(Lines(e)));
        Assert.Contains("\"exitCode\":130", Assert.Single(Lines(o)));
    }

    [Fact]
    public async Task RunAsync_CancellationNotRequestedByTheUser_IsARuntimeFailure()
    {
        var (context, _, _) = Context();

        int code = await CommandRunner.RunAsync(context, json: false, _ => throw new TaskCanceledException("HTTP timeout"), default);

        Assert.Equal(ExitCodes.RuntimeFailure, code);
    }
}
