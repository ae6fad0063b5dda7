using System.Text.Json;
using System.Text.Json.Nodes;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;

namespace PromptOpt.Tests.Optimizers;

public class PromptArtifactTests
{
    private static OptimizationResult Result(JsonObject? details = null) => new()
    {
        Method = "dual-phase",
        StartPrompt = Prompt.FromInstruction("Solve it."),
        BestPrompt = new Prompt("Be exact.", "Solve it step by step: <b>{question}</b>"),
        BestTrainScore = 0.8,
        StartTestScore = 0.4,
        BestTestScore = 0.7,
        Usage = new UsageSnapshot(new Dictionary<string, RoleUsage>()),
        Seed = 42,
        Details = details ?? [],
    };

    [Fact]
    public void ToJson_HasTheVersionedSnakeCaseShape()
    {
        var artifact = PromptArtifact.FromResult(Result(), "run-1", "navigate", "abc123", new Dictionary<string, string> { ["task"] = "sim", ["optimizer"] = "sim" });

        var json = JsonNode.Parse(artifact.ToJson())!.AsObject();

        Assert.Equal(
            ["kind", "version", "system", "user", "method", "scores", "models", "seed", "task", "dataset_fingerprint", "promptopt_version", "run_id"],
            json.Select(kv => kv.Key).ToArray());
        Assert.Equal("promptopt.prompt", (string?)json["kind"]);
        Assert.Equal(1, (int?)json["version"]);
        Assert.Equal(0.7, (double?)json["scores"]!["test"]);
        Assert.Equal(0.4, (double?)json["scores"]!["start_test"]);
        Assert.Equal(0.8, (double?)json["scores"]!["train"]);
        Assert.Equal(PromptOptInfo.Version, (string?)json["promptopt_version"]);
        Assert.Contains("<b>{question}</b>", artifact.ToJson(), StringComparison.Ordinal); // readable, not \u003C-escaped
        var simulated = PromptArtifact.FromResult(Result(), "run-1", "navigate", "abc123", new Dictionary<string, string>(), simulated: true);
        Assert.True((bool?)JsonNode.Parse(simulated.ToJson())!["simulated"]);
    }

    [Fact]
    public void Parse_WrittenArtifact_RoundTripsThePrompt()
    {
        var artifact = PromptArtifact.FromResult(Result(), "run-1", "navigate", "abc123", new Dictionary<string, string> { ["task"] = "sim" });

        var read = PromptArtifact.Parse(artifact.ToJson(), "a.json");

        Assert.Equal(new Prompt("Be exact.", "Solve it step by step: <b>{question}</b>"), read.ToPrompt());
        Assert.Equal("run-1", read.RunId);
        Assert.Equal("sim", read.Models["task"]);
        Assert.Null(read.SourceTasks);
    }

    [Fact]
    public void FromResult_MetaSpoDetails_AddsEachSourceTasksBestUserPrompt()
    {
        var details = new JsonObject
        {
            ["tasks"] = new JsonArray(
                new JsonObject { ["task"] = "a", ["start"] = 0.1, ["best"] = 0.2, ["best_user_prompt"] = "Do a. {question}" },
                new JsonObject { ["task"] = "b", ["start"] = 0.1, ["best"] = 0.3, ["best_user_prompt"] = "Do b. {question}" }),
        };

        var artifact = PromptArtifact.FromResult(Result(details) with { Method = "metaspo" }, "r", "suite", "f", new Dictionary<string, string>());
        var json = JsonNode.Parse(artifact.ToJson())!;

        Assert.Equal("Do b. {question}", (string?)json["source_tasks"]![1]!["user"]);
        Assert.Equal(2, PromptArtifact.Parse(artifact.ToJson(), "x").SourceTasks!.Count);
    }

    [Theory]
    [InlineData("""{"kind":"promptopt.prompt","version":2,"user":"x"}""", "version 2 is not supported")]
    [InlineData("""{"kind":"promptopt.prompt","version":1}""", "without a \"user\" string")]
    [InlineData("""{"kind":"other","user":"x"}""", "found \"kind\": \"other\"; expected a prompt artifact")]
    [InlineData("""{"kind":"promptopt.prompt","version":1,"user":"x","seed":"not a number"}""", "malformed prompt artifact")]
    public void Parse_BadArtifact_IsInputErrorNamingTheFile(string json, string expected)
    {
        var ex = Assert.Throws<PromptOptInputException>(() => PromptArtifact.Parse(json, "best.json"));

        Assert.StartsWith("best.json", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ToPrompt_UserWithoutPlaceholder_AppendsTheInput()
    {
        var prompt = new PromptArtifact { User = "Answer briefly." }.ToPrompt();

        Assert.True(prompt.HasPlaceholder);
        Assert.Null(prompt.System);
        Assert.False(PromptArtifact.IsArtifact("[1,2]"));
        Assert.False(PromptArtifact.IsArtifact("{not json"));
    }
}
