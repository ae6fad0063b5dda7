using PromptOpt.Prompts;
using PromptOpt.Simulation;
using Xunit.Abstractions;

namespace PromptOpt.Tests.Simulation;

public class LearnabilityTests(ITestOutputHelper output)
{
    private static readonly string[] Neutral = ["Be helpful.", "This is an important task.", "Do your best on this one.", "Keep the task in mind.", "Stay polite and professional."];

    [Fact]
    public async Task GreedyDiagnosedSkillLoop_ImprovesOneLinePrompt_RandomEditsDoNot()
    {
        var task = SimTestTasks.Arithmetic(400);
        var world = new SimulatedWorld([task], new SimOptions { Seed = 21 });
        var client = world.CreateClient();
        var ops = new PromptOperations(client);
        var train = task.Dataset.Train.Take(60).ToList();
        var heldOut = task.Dataset.Test.Take(200).ToList();
        var start = task.OneLinePrompt;

        // Greedy: evaluate → analyse failures → generate (adds the diagnosed skills) → keep if better.
        var greedy = start;
        var greedyScore = await SimEval.ScoreAsync(client, greedy, train);
        for (int step = 0; step < 5; step++)
        {
            var result = await SimEval.RunAsync(client, greedy, train);
            var failures = FailureCase.FromResults(result.Results, 5);
            var analysis = await ops.AnalyzeFailuresAsync(greedy, failures, PromptTarget.User, step);
            Assert.NotNull(analysis);
            var candidate = await ops.GenerateFromAnalysisAsync(greedy, analysis, failures, PromptTarget.User, step);
            Assert.NotNull(candidate);
            var score = await SimEval.ScoreAsync(client, candidate, train);
            if (score > greedyScore)
            {
                (greedy, greedyScore) = (candidate, score);
            }
        }

        // Random edits: paraphrases and neutral sentences, kept when better on the same training set.
        var random = start;
        var randomScore = await SimEval.ScoreAsync(client, random, train);
        for (int step = 0; step < 5; step++)
        {
            var candidate = step % 2 == 0
                ? await ops.ParaphraseAsync(random, step)
                : random with { User = random.User.Replace("{question}", Neutral[step] + "\n\n{question}", StringComparison.Ordinal) };
            Assert.NotNull(candidate);
            var score = await SimEval.ScoreAsync(client, candidate, train);
            if (score > randomScore)
            {
                (random, randomScore) = (candidate, score);
            }
        }

        double Expected(Prompt p) => world.ExpectedScore(p, task.Name, heldOut);
        Assert.True(Expected(greedy) > Expected(start) + 0.15, $"greedy {Expected(greedy):F3} vs start {Expected(start):F3}\n{greedy.User}");
        Assert.True(Expected(random) < Expected(start) + 0.02, $"random {Expected(random):F3} vs start {Expected(start):F3}\n{random.User}");

        var heldStart = await SimEval.ScoreAsync(client, start, heldOut);
        var heldGreedy = await SimEval.ScoreAsync(client, greedy, heldOut);
        var heldRandom = await SimEval.ScoreAsync(client, random, heldOut);
        output.WriteLine($"held-out start {heldStart:F3}, greedy {heldGreedy:F3}, random {heldRandom:F3}; expected {Expected(start):F3} / {Expected(greedy):F3} / {Expected(random):F3}\n{greedy.User}\n---\n{random.User}");
        Assert.True(heldGreedy > heldStart + 0.1, $"held-out greedy {heldGreedy:F3} vs start {heldStart:F3}");
        Assert.True(heldGreedy > heldRandom + 0.1, $"held-out greedy {heldGreedy:F3} vs random {heldRandom:F3}");
    }
}
