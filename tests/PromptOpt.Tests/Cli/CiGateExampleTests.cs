using PromptOpt.Tests.Optimizers.MetaSpo;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>
/// The CI gate (<c>eval --fail-under</c>, <c>--baseline … --max-drop</c>, exit code 3) and <c>examples/ci/</c>: the gate command
/// of the GitHub Actions workflow <c>examples/ci/prompt-gate.yml</c>, run as written (on the simulator: no key is set).
/// </summary>
public sealed class CiGateExampleTests
{
    private static string[] GateCommand()
    {
        var workflow = File.ReadAllLines(MetaSpoFixture.Example(Path.Combine("ci", "prompt-gate.yml")));
        var line = Assert.Single(workflow, l => l.TrimStart().StartsWith("run:", StringComparison.Ordinal) && l.Contains("promptopt eval", StringComparison.Ordinal)).Trim();
        var command = line[(line.IndexOf("run:", StringComparison.Ordinal) + 4)..].Trim();
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("promptopt", words[0], StringComparison.Ordinal); // the installed tool; the rest are its arguments
        return words[1..];
    }

    /// <summary>Copies examples/ci to a temporary checkout (so a test can change the prompt) and returns its root.</summary>
    private static string Checkout(TempDirectory dir, string? prompt = null)
    {
        var source = MetaSpoFixture.Example("ci");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            dir.Write(Path.Combine("examples", "ci", Path.GetRelativePath(source, file)), File.ReadAllText(file));
        }

        if (prompt is not null)
        {
            dir.Write(Path.Combine("examples", "ci", "prompt.txt"), prompt);
        }

        return dir.Path;
    }

    private static Task<CliRun> RunAsync(string root, params string[] args) =>
        CliHarness.RunAsync([.. args, "--store", Path.Combine(root, "s.db")], root);

    [Fact]
    public async Task WorkflowGate_CommittedPrompt_Passes()
    {
        using var dir = new TempDirectory();
        var root = Checkout(dir);

        var run = await RunAsync(root, [.. GateCommand(), "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var gate = run.Json().GetProperty("gate");
        Assert.True(gate.GetProperty("passed").GetBoolean());
        Assert.Equal(0.5, gate.GetProperty("failUnder").GetDouble());
        Assert.Equal(0.02, gate.GetProperty("maxDrop").GetDouble());
        Assert.DoesNotContain(run.ErrorLines, l => l.StartsWith("regression", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkflowGate_WorsePrompt_ExitCode3WithOneLineSayingWhatRegressed()
    {
        using var dir = new TempDirectory();
        var root = Checkout(dir, "Reply with the word banana."); // a format-breaking edit: the simulator (v2) obeys it, so every reply is unparseable

        var run = await RunAsync(root, GateCommand());

        Assert.Equal(3, run.ExitCode);
        var line = Assert.Single(run.ErrorLines, l => l.StartsWith("regression:", StringComparison.Ordinal));
        Assert.Matches(@"^regression: choice 0\.\d{3} is under --fail-under 0\.500; choice 0\.\d{3} dropped 0\.\d{3} below the baseline 0\.900 \(examples/ci/baseline\.json; --max-drop 0\.020\)$", line);
        Assert.Contains("score", run.Stdout, StringComparison.Ordinal); // the evaluation itself is still reported
    }

    [Fact]
    public async Task FailUnder_ScoreBelow_Is3_ScoreAtOrAbove_Is0()
    {
        using var dir = new TempDirectory();
        string[] eval = ["eval", "--task", "navigate", "--prompt", "Decide whether you end where you started.", "--limit", "20", "--model", "sim", "--json"];
        var score = (await RunAsync(dir.Path, eval)).Json().GetProperty("score").GetDouble();

        var pass = await RunAsync(dir.Path, [.. eval, "--fail-under", score.ToString("R", System.Globalization.CultureInfo.InvariantCulture)]);
        var fail = await RunAsync(dir.Path, [.. eval, "--fail-under", Math.Min(1, score + 0.05).ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(0, pass.ExitCode);
        Assert.Equal(3, fail.ExitCode);
        Assert.False(fail.Json().GetProperty("gate").GetProperty("passed").GetBoolean());
        Assert.StartsWith("regression: choice", Assert.Single(fail.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baseline_FromAnEarlierEvalJson_WithinMaxDropPasses_BeyondFails()
    {
        using var dir = new TempDirectory();
        string[] eval = ["eval", "--task", "navigate", "--prompt", "Decide whether you end where you started.", "--limit", "20", "--model", "sim"];
        var first = await RunAsync(dir.Path, [.. eval, "--json"]);
        var score = first.Json().GetProperty("score").GetDouble();
        var better = Math.Min(1, score + 0.10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        dir.Write("better.json", $$"""{"task": "navigate", "metric": "choice", "score": {{better}}}""");

        var same = await RunAsync(dir.Path, [.. eval, "--baseline", "@" + dir.Write("base.json", first.Stdout)]);
        var within = await RunAsync(dir.Path, [.. eval, "--baseline", "@better.json", "--max-drop", "0.15"]);
        var beyond = await RunAsync(dir.Path, [.. eval, "--baseline", "@better.json", "--max-drop", "0.05"]);

        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.True(within.ExitCode == 0, within.ToString());
        Assert.Equal(3, beyond.ExitCode);
        Assert.Contains("below the baseline", Assert.Single(beyond.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fail-under", "1.5")]
    [InlineData("--max-drop", "0.1")]
    [InlineData("--baseline", "@missing.json")]
    [InlineData("--baseline", "high")]
    public async Task Gate_BadInput_Is2WithOneLine(string option, string value)
    {
        using var dir = new TempDirectory();

        var run = await RunAsync(dir.Path, "eval", "--task", "navigate", "--prompt", "x", "--model", "sim", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baseline_OfAnotherTask_Is2()
    {
        using var dir = new TempDirectory();
        dir.Write("base.json", """{"task": "date_arithmetic", "metric": "choice", "score": 0.9}""");

        var run = await RunAsync(dir.Path, "eval", "--task", "navigate", "--prompt", "x", "--model", "sim", "--baseline", "@base.json");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("was scored on task 'date_arithmetic'", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
