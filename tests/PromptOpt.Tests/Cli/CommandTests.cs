using System.Text.Json;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

public class CommandTests
{
    private static readonly string[] BuiltInNames =
        ["multistep_arithmetic", "boolean_expressions", "object_counting", "navigate", "date_arithmetic", "word_sorting"];

    [Fact]
    public async Task Tasks_Json_IsOneObjectListingTheSixBuiltInTasks()
    {
        var run = await CliHarness.RunAsync("tasks", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var tasks = run.Json().GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(BuiltInNames, tasks.Select(t => t.GetProperty("name").GetString()));
        Assert.All(tasks, t =>
        {
            Assert.False(string.IsNullOrEmpty(t.GetProperty("metric").GetString()));
            Assert.True(t.GetProperty("test").GetInt32() > 0);
            Assert.False(string.IsNullOrEmpty(t.GetProperty("description").GetString()));
        });
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public async Task Tasks_Plain_PrintsOneLinePerTask()
    {
        var run = await CliHarness.RunAsync("tasks");

        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(BuiltInNames, lines.Take(BuiltInNames.Length).Select(l => l.Split('\t')[0]));
        Assert.Equal(PromptOpt.Decision.EnvironmentCatalog.All.Select(e => e.Name), lines.Skip(BuiltInNames.Length).Select(l => l.Split('\t')[0])); // then the EXPO environments
    }

    [Fact]
    public async Task Eval_UnknownTask_ExitsTwoListingBuiltIns()
    {
        var run = await CliHarness.RunAsync("eval", "--task", "no_such_task", "--prompt", "x", "--model", "sim");

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: unknown task \"no_such_task\"", line);
        Assert.Contains("multistep_arithmetic", line);
    }

    [Fact]
    public async Task Eval_BadModelSpec_ExitsTwoNamingTheAcceptedForms()
    {
        using var dir = new TempDirectory();
        var run = await CliHarness.RunAsync(["eval", "--task", "navigate", "--prompt", "x", "--model", "foo:bar", "--store", dir.Path + "/"], dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("foo:bar", line);
        Assert.Contains("openai-compatible:", line);
    }

    [Fact]
    public async Task Eval_MalformedDatasetFile_ExitsTwoNamingFileAndLine()
    {
        using var dir = new TempDirectory();
        dir.Write("bad.jsonl", "{\"id\":\"1\",\"input\":\"a\",\"target\":\"b\"}\n{not json\n");

        var run = await CliHarness.RunAsync(["eval", "--task", "bad.jsonl", "--prompt", "x", "--model", "sim"], dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("bad.jsonl:2", line);
    }

    [Fact]
    public async Task Eval_MissingDatasetFile_ExitsTwo()
    {
        using var dir = new TempDirectory();
        var run = await CliHarness.RunAsync(["eval", "--task", "missing.jsonl", "--prompt", "x", "--model", "sim", "--json"], dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.ErrorLines);
        Assert.Equal(2, run.Json().GetProperty("error").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Runs_NoStoreYet_ReportsEmptyWithoutCreatingIt()
    {
        using var dir = new TempDirectory();
        var run = await CliHarness.RunAsync(["runs", "--json"], dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, run.Json().GetProperty("runs").GetArrayLength());
        Assert.False(Directory.Exists(Path.Combine(dir.Path, ".promptopt")));
    }

    [Fact]
    public async Task Runs_StoreFromEnvironment_IsUsed()
    {
        using var dir = new TempDirectory();
        var storePath = Path.Combine(dir.Path, "elsewhere.db");
        var run = await CliHarness.RunAsync(["runs", "--json"], dir.Path, new Dictionary<string, string> { ["PROMPTOPT_STORE"] = storePath });

        Assert.Equal(storePath, run.Json().GetProperty("store").GetString());
    }
}
