using System.Text.Json;
using PromptOpt.Cli;

namespace PromptOpt.Tests.Cli;

/// <summary>The captured outcome of one in-process <c>promptopt</c> invocation.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Gets the non-empty stderr lines.</summary>
    public IReadOnlyList<string> ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Parses stdout as exactly one JSON document (throws if there is anything else).</summary>
    public JsonElement Json()
    {
        using var doc = JsonDocument.Parse(Stdout);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        return doc.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the CLI in-process over string writers, with a controlled environment (no endpoint configured).</summary>
internal static class CliHarness
{
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(args, workingDirectory: null);

    public static async Task<CliRun> RunAsync(
        string[] args, string? workingDirectory, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = environment ?? new Dictionary<string, string>();
        var context = new CliContext(stdout, stderr, outputIsTerminal: false, errorIsTerminal: false,
            environment: name => env.TryGetValue(name, out var v) ? v : null,
            workingDirectory: workingDirectory ?? Path.GetTempPath());
        int code = await CliApp.InvokeAsync(args, context, cancellationToken);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
