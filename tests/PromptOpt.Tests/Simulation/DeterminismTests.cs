using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Prompts;
using PromptOpt.Decision;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Tests.Simulation;

public class DeterminismTests
{
    [Fact]
    public async Task SameSeedSameCalls_ByteIdenticalResponses_OtherSeedDiffers()
    {
        var first = await RunScriptAsync(seed: 4);
        var again = await RunScriptAsync(seed: 4);
        var other = await RunScriptAsync(seed: 5);

        Assert.Equal(first.Count, again.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(first.Zip(other).Count(p => p.First != p.Second) > first.Count / 10);
    }

    /// <summary>
    /// Same seed → byte-identical replies over HTTP too: the same script (task calls, every optimizer operation, agent
    /// steps in a raw and a summarised bandit and in linear regression) sent through PromptOpt's OpenAI adapter to two
    /// loopback servers of the same seed gives the in-process replies, byte for byte; a server of another seed does not.
    /// </summary>
    [Fact]
    public async Task SameSeedOverHttp_ByteIdenticalToInProcess_OtherSeedDiffers()
    {
        var inProcess = await RunScriptAsync(seed: 4);
        var first = await RunOverHttpAsync(seed: 4);
        var second = await RunOverHttpAsync(seed: 4);
        var other = await RunOverHttpAsync(seed: 5);

        Assert.Equal(inProcess.Count, first.Count);
        Assert.Equal(inProcess, first);
        Assert.Equal(first, second);
        Assert.True(first.Zip(other).Count(p => p.First != p.Second) > first.Count / 10);
    }

    [Fact]
    public void ModelIdentity_CarriesTheSeedAndAnyNonDefaultOption()
    {
        Assert.Equal("sim-1@seed7", new SimulatedWorld(new SimOptions { Seed = 7 }).CreateClient().ModelIdentity);
        Assert.Equal("sim-1@seed8", new SimulatedWorld(new SimOptions { Seed = 8 }).CreateClient().GetService<ChatClientMetadata>()!.DefaultModelId);
        var changed = new SimOptions { Seed = 7, VerboseRate = 0.2 }.GetModelIdentity();
        Assert.StartsWith("sim-1@seed7+", changed, StringComparison.Ordinal);
        Assert.NotEqual(changed, new SimOptions { Seed = 7, Agent = new AgentSimOptions { ImitationBias = 0.3 } }.GetModelIdentity());
        Assert.Equal(changed, new SimOptions { Seed = 7, VerboseRate = 0.2 }.GetModelIdentity());
        Assert.Equal("small@seed" + SimulatorModels.CreateWorld([], "small").Seed, SimulatorModels.Create([], "small").ModelIdentity);
    }

    [Fact]
    public async Task Response_IsMarkedSimulatedWithModelIdAndUsage()
    {
        var task = SimTestTasks.Arithmetic(120);
        var client = new SimulatedWorld([task]).CreateClient();
        var response = await client.GetResponseAsync(task.OneLinePrompt.Render(task.Dataset.Test[0].Input));

        Assert.Equal(true, response.AdditionalProperties![ChatOptionKeys.Simulated]);
        Assert.Equal("sim-1@seed0", response.ModelId);
        Assert.True(response.Usage!.InputTokenCount > 0);
        Assert.Equal("sim-1@seed0", client.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task Temperature_ZeroIgnoresSampleIndex_PositiveUsesIt()
    {
        var task = SimTestTasks.Arithmetic(200);
        var client = new SimulatedWorld([task]).CreateClient();
        async Task<List<string>> Run(float temperature, int sample) =>
            [.. await Task.WhenAll(task.Dataset.Test.Take(60).Select(async e => (await client.GetResponseAsync(
                task.OneLinePrompt.Render(e.Input), new ChatOptions { Temperature = temperature }.WithPromptOpt(ModelRoles.Task, sampleIndex: sample))).Text))];

        Assert.Equal(await Run(0, 0), await Run(0, 7));
        Assert.NotEqual(await Run(1, 0), await Run(1, 7));
    }

    private static Task<List<string>> RunScriptAsync(int seed) =>
        RunScriptAsync(new SimulatedWorld([SimTestTasks.Arithmetic(200), SimTestTasks.Parity(150)], new SimOptions { Seed = seed }).CreateClient());

    private static async Task<List<string>> RunOverHttpAsync(int seed)
    {
        var world = new SimulatedWorld([SimTestTasks.Arithmetic(200), SimTestTasks.Parity(150)], new SimOptions { Seed = seed });
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = world });
        return await RunScriptAsync(ModelFactory.Create(ModelSpec.OpenAICompatible(server.BaseUrl, world.Options.GetModelIdentity()), ModelRoles.Optimizer, new ModelPipelineOptions()));
    }

    private static async Task<List<string>> RunScriptAsync(IChatClient model)
    {
        var task = SimTestTasks.Arithmetic(200);
        var client = new RecordingChatClient(model);
        var prompts = new[] { task.OneLinePrompt, Prompt.FromInstruction(SimTestTasks.SkilledArithmeticInstruction) };
        foreach (var prompt in prompts)
        {
            foreach (var e in task.Dataset.Test.Take(40))
            {
                await client.GetResponseAsync(prompt.Render(e.Input), new ChatOptions { Temperature = 0 }.WithPromptOpt(ModelRoles.Task));
            }
        }

        var ops = new PromptOperations(client);
        var failures = task.Dataset.Test.Take(5).Select(e => new FailureCase(e.Input, "no idea", null, e.Target)).ToList();
        var start = task.OneLinePrompt;
        var analysis = await ops.AnalyzeFailuresAsync(start, failures);
        await ops.GenerateFromAnalysisAsync(start, analysis!, failures);
        await ops.AnalyzeFailuresAsync(start, failures, PromptTarget.System);
        await ops.RewriteSentenceAsync(SentenceView.Parse(start.User), 0, failures);
        await ops.WriteInitialPromptAsync(task.Dataset.Train.Take(5).ToList());
        await ops.InduceInstructionAsync(task.Dataset.Train.Take(5).ToList());
        await ops.ParaphraseAsync(start);
        await ops.ProposeFromHistoryAsync([new ScoredInstruction(start.Instruction, 0.3)], task.Dataset.Train.Take(3).ToList(), 4);
        await ops.TextualGradientAsync(start, failures, 3);
        await ops.ApplyGradientAsync(start, failures, "It should follow the order of operations.");
        await ops.GenerateVariantsAsync("Choose one arm per step.", VariantKind.MetaInstruction, 4);
        foreach (var env in new[] { EnvironmentCatalog.Create("bandit-hard", 3), EnvironmentCatalog.Create("bandit-easy-summarized", 3), EnvironmentCatalog.Create("linreg", 3) })
        {
            var mp = new MetaPrompt(env.OriginalTaskDescription + " Think step by step. Explore options you have not tried.", env.OriginalMetaInstruction);
            await new AgentRunner(client).RunAsync(env, mp, steps: 15);
        }

        return client.Replies;
    }
}
