using PromptOpt.Prompts;
using PromptOpt.Simulation;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Simulation;

public class TransferTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SystemPromptLearnedOnOneTask_RaisesScoresOnUnseenTask()
    {
        var source = SimTestTasks.Arithmetic(300);
        var unseen = SimTestTasks.Parity(300);
        var world = new SimulatedWorld([source, unseen], new SimOptions { Seed = 8 });
        var client = world.CreateClient();
        var ops = new PromptOperations(client);
        var train = source.Dataset.Train.Take(50).ToList();

        // System-level loop on the source task only (MetaSPO's system analyse → generate, keep if better).
        var prompt = source.OneLinePrompt;
        var best = await SimEval.ScoreAsync(client, prompt, train);
        for (int step = 0; step < 4; step++)
        {
            var failures = FailureCase.FromResults((await SimEval.RunAsync(client, prompt, train)).Results, 6);
            var analysis = await ops.AnalyzeFailuresAsync(prompt, failures, PromptTarget.System, step);
            var candidate = await ops.GenerateFromAnalysisAsync(prompt, analysis!, failures, PromptTarget.System, step);
            var score = await SimEval.ScoreAsync(client, candidate!, train);
            if (score > best)
            {
                (prompt, best) = (candidate!, score);
            }
        }

        Assert.False(string.IsNullOrWhiteSpace(prompt.System));
        var withSystem = unseen.OneLinePrompt with { System = prompt.System };
        var generic = world.Inspect(withSystem, unseen.Name).Active.Where(a => a.Kind == SkillKind.Generic).ToList();
        Assert.NotEmpty(generic);
        Assert.All(generic, a => Assert.True(a.InSystem));

        var test = unseen.Dataset.Test.Take(200).ToList();
        Assert.True(world.ExpectedScore(withSystem, unseen.Name, test) > world.ExpectedScore(unseen.OneLinePrompt, unseen.Name, test) + 0.1);
        var before = await SimEval.ScoreAsync(client, unseen.OneLinePrompt, test);
        var after = await SimEval.ScoreAsync(client, withSystem, test);
        output.WriteLine($"unseen: {before:F3} -> {after:F3}\n{prompt.System}");
        Assert.True(after > before + 0.08, $"unseen task: {before:F3} → {after:F3} with system prompt:\n{prompt.System}");
    }
}
