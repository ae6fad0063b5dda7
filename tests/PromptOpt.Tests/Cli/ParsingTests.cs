using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

public class ParsingTests
{
    [Theory]
    [InlineData("bogus")]
    [InlineData("eval", "--task", "t", "--prompt", "p", "--bogus", "1")]
    [InlineData("eval", "--task", "t")]
    [InlineData("eval", "--task", "t", "--prompt", "p", "--limit", "abc")]
    [InlineData("eval", "--task", "t", "--prompt", "p", "--limit", "0")]
    [InlineData("eval", "--task", "t", "--prompt", "p", "--concurrency", "-1")]
    [InlineData("eval", "--task", "t", "--prompt", "p", "--split", "holdout")]
    [InlineData("tasks", "--seed", "x")]
    [InlineData("runs", "--limit", "0")]
    [InlineData("sim-server", "--port", "-5")]
    public async Task Invoke_BadCommandLine_ExitsTwoWithOneErrorLine(params string[] args)
    {
        var run = await CliHarness.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact]
    public async Task Invoke_BadValueWithJson_PrintsOneJsonErrorObject()
    {
        var run = await CliHarness.RunAsync("eval", "--task", "t", "--prompt", "p", "--limit", "abc", "--json");

        Assert.Equal(2, run.ExitCode);
        var error = run.Json().GetProperty("error");
        Assert.Equal(2, error.GetProperty("exitCode").GetInt32());
        Assert.Contains("--limit", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Invoke_BadEnumValue_NamesTheAllowedValues()
    {
        var run = await CliHarness.RunAsync("eval", "--task", "t", "--prompt", "p", "--split", "holdout");

        Assert.Contains("one of train, dev, test", run.Stderr);
    }

    [Fact]
    public async Task Invoke_MissingPromptFile_ExitsTwoNamingTheFile()
    {
        using var dir = new TempDirectory();
        var run = await CliHarness.RunAsync(["eval", "--task", "multistep_arithmetic", "--prompt", "@nope.txt", "--model", "sim"], dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("error: --prompt: file not found: nope.txt", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("tasks", "--json", "--seed")]
    [InlineData("eval", "--task", "--prompt", "--system", "--model", "--split", "--limit", "--concurrency", "--failures", "--seed", "--store", "--json")]
    [InlineData("runs", "--store", "--limit", "--json")]
    [InlineData("sim-server", "--port", "--latency-ms", "--jitter-ms", "--faults", "--seed")]
    public async Task Help_EveryCommand_ListsEachOption(string command, params string[] options)
    {
        var run = await CliHarness.RunAsync(command, "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"promptopt {command} [options]", run.Stdout);
        foreach (var option in options)
        {
            Assert.Contains(option, run.Stdout);
        }
    }

    [Fact]
    public async Task Help_Eval_ShowsDefaults()
    {
        var run = await CliHarness.RunAsync("eval", "--help");

        Assert.Contains("[default: auto]", run.Stdout);
        Assert.Contains("[default: 16]", run.Stdout);
        Assert.Contains("[default: Test]", run.Stdout);
        Assert.Contains("[default: 42]", run.Stdout);
    }

    [Fact]
    public async Task Invoke_NoArguments_ShowsOverviewOfAllCommands()
    {
        var run = await CliHarness.RunAsync();

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "tasks", "eval", "runs", "sim-server" })
        {
            Assert.Contains(command, run.Stdout);
        }
    }
}
