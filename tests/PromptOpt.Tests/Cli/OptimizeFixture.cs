using System.Text.Json;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

/// <summary>A small, fast Dual-Phase run spec on the simulator, and helpers for optimize/report tests.</summary>
internal static class OptimizeFixture
{
    public const string Spec = """
        # a small Dual-Phase run on the simulator
        method: dual-phase
        task: multistep_arithmetic
        task-model: sim
        optimizer-model: sim
        seed: 42
        train-size: 20
        test-size: 40
        budget:
          task-calls: 600
          optimizer-calls: 30
        options:
          max-steps: 2
        """;

    /// <summary>Writes the spec into <paramref name="dir"/> and returns <c>optimize spec.yaml --store s.db</c> plus <paramref name="more"/>.</summary>
    public static string[] Args(TempDirectory dir, params string[] more)
    {
        dir.Write("spec.yaml", Spec);
        return ["optimize", "spec.yaml", "--store", StorePath(dir), .. more];
    }

    public static string StorePath(TempDirectory dir) => Path.Combine(dir.Path, "s.db");

    /// <summary>Runs the fixture spec with --json and returns the result object (asserting success).</summary>
    public static async Task<JsonElement> RunJsonAsync(TempDirectory dir, params string[] more)
    {
        var run = await CliHarness.RunAsync(Args(dir, [.. more, "--json"]), dir.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Json();
    }

    public static (string? System, string User) BestPrompt(JsonElement json)
    {
        var p = json.GetProperty("bestPrompt");
        return (p.GetProperty("system").GetString(), p.GetProperty("user").GetString()!);
    }
}
