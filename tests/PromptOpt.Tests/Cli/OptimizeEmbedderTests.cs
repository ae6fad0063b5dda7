using System.Text.Json;
using PromptOpt.Models;
using PromptOpt.Storage;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary><c>promptopt optimize --method expo --embedder …</c>: a provider's embeddings over real HTTP, and bad embedder specs.</summary>
public class OptimizeEmbedderTests
{
    [Fact]
    public async Task Optimize_ExpoWithOpenAICompatibleEmbedder_CallsTheEndpointRecordsTheEmbedderAndResumesFromTheCache()
    {
        using var dir = new TempDirectory();
        await using var server = await SimServers.StartAsync(TimeSpan.Zero);
        var embedder = $"openai-compatible:{server.BaseUrl.ToString().TrimEnd('/')}|emb";
        var store = Path.Combine(dir.Path, "s.db");
        var args = OptimizeExpoTests.SimRun("bandit-hard", 5, store, "--embedder", embedder, "--json");

        var run = await CliHarness.RunAsync(args, dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, server.Stats.Embeddings); // one request for the task descriptions, one for the meta-instructions
        Assert.Equal(0, server.Stats.Completed); // the agent and optimizer are in-process; only embeddings went over HTTP
        Assert.Contains(run.ErrorLines, l => l.StartsWith($"note: embedder {embedder} is PromptOpt's SIMULATOR server", StringComparison.Ordinal));
        var json = run.Json();
        Assert.Equal(5, json.GetProperty("steps").GetInt32());
        Assert.Equal(embedder, json.GetProperty("models").GetProperty(ModelRoles.Embedding).GetString());
        var usage = json.GetProperty("usage").GetProperty("byRole").GetProperty(ModelRoles.Embedding);
        Assert.Equal(2, usage.GetProperty("calls").GetInt64());
        Assert.Equal(2, usage.GetProperty("paidCalls").GetInt64());

        var runId = json.GetProperty("runId").GetString()!;
        using (var db = new PromptOptStore(store))
        {
            var record = (await db.GetRunAsync(runId, CancellationToken.None))!;
            Assert.Equal(embedder, JsonDocument.Parse(record.SpecJson).RootElement.GetProperty("embedder").GetString());
            Assert.Equal(embedder, record.Models[ModelRoles.Embedding]);
        }

        Assert.Contains(embedder, File.ReadAllText(json.GetProperty("report").GetString()!), StringComparison.Ordinal);

        var again = await CliHarness.RunAsync(args, dir.Path);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.True(again.Json().GetProperty("resumed").GetBoolean());
        Assert.Equal(2, server.Stats.Embeddings); // the same vectors came from the store's cache
        var cached = again.Json().GetProperty("usage").GetProperty("byRole").GetProperty(ModelRoles.Embedding);
        Assert.Equal(2, cached.GetProperty("cacheHits").GetInt64());
        Assert.Equal(json.GetProperty("environment").GetProperty("final_cumulative_regret").GetDouble(),
            again.Json().GetProperty("environment").GetProperty("final_cumulative_regret").GetDouble());
    }

    [Fact]
    public async Task Optimize_ExpoDefaultEmbedder_IsTheBuiltInHashingEmbedderAndKeepsTheRunId()
    {
        using var dir = new TempDirectory();
        var args = OptimizeExpoTests.SimRun("bandit-easy", 3, Path.Combine(dir.Path, "s.db"), "--json");

        var implicitHash = await CliHarness.RunAsync(args, dir.Path);
        var explicitHash = await CliHarness.RunAsync([.. args, "--embedder", "hash"], dir.Path);

        Assert.True(implicitHash.ExitCode == 0, implicitHash.ToString());
        Assert.True(explicitHash.ExitCode == 0, explicitHash.ToString());
        Assert.Equal("hash", implicitHash.Json().GetProperty("models").GetProperty(ModelRoles.Embedding).GetString());
        Assert.False(implicitHash.Json().GetProperty("usage").GetProperty("byRole").TryGetProperty(ModelRoles.Embedding, out _)); // not metered: no calls
        Assert.Equal(implicitHash.Json().GetProperty("runId").GetString(), explicitHash.Json().GetProperty("runId").GetString());
        Assert.True(explicitHash.Json().GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task Optimize_RealEmbedderWithoutKey_FailsNamingTheVariableInsteadOfFallingBack()
    {
        using var dir = new TempDirectory();

        var run = await CliHarness.RunAsync(
            OptimizeExpoTests.SimRun("bandit-hard", 5, Path.Combine(dir.Path, "s.db"), "--embedder", "openai:text-embedding-3-small"), dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("error: embedder 'openai:text-embedding-3-small' needs an API key: set the environment variable OPENAI_API_KEY", run.ErrorLines[^1]);
        Assert.DoesNotContain(run.ErrorLines, l => l.StartsWith("step ", StringComparison.Ordinal)); // nothing ran
    }

    [Theory]
    [InlineData("embedder: 'openai:'\n", "invalid embedder spec 'openai:': the model name is missing; expected one of: hash | minilm | sim | openai:<embedding-model>")]
    [InlineData("embedder: sim:small\n", "invalid embedder spec 'sim:small': the built-in hashing embedder takes no model name; use hash")]
    [InlineData("embeder: hash\n", "spec.yaml:3: unknown key 'embeder' in the run spec; did you mean 'embedder'?")]
    [InlineData("embedder: [hash]\n", "spec.yaml:3: 'embedder' expects a single value, not a list")]
    public async Task Optimize_BadEmbedderInSpecFile_IsOneLineErrorExit2BeforeAnyCall(string line, string expected)
    {
        using var dir = new TempDirectory();
        dir.Write("spec.yaml", "method: expo\nenv: bandit-hard\n" + line);
        var store = Path.Combine(dir.Path, "s.db");

        var run = await CliHarness.RunAsync(["optimize", "spec.yaml", "--agent-model", "sim", "--optimizer-model", "sim", "--store", store], dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(expected, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(store));
    }

    [Fact]
    public async Task Help_Optimize_ExplainsTheEmbedderOption()
    {
        var run = await CliHarness.RunAsync("optimize", "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        var help = string.Join(' ', run.Stdout.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--embedder <spec>", help, StringComparison.Ordinal);
        Assert.Contains("hash (the built-in, weight-free hashing embedder; no network, no cost)", help, StringComparison.Ordinal);
        Assert.Contains("Default: hash.", help, StringComparison.Ordinal);
    }
}
