using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Simulation;

namespace PromptOpt.Tests.Simulation;

public class SimulatorModelsTests
{
    [Fact]
    public async Task Create_NamedModel_IsAnotherWorldWithItsOwnId()
    {
        var task = SimTestTasks.Arithmetic(150);
        var plain = SimulatorModels.Create([task]);
        var named = SimulatorModels.Create([task], "small");
        var inputs = task.Dataset.Test.Take(40).Select(e => task.OneLinePrompt.Render(e.Input)).ToList();

        var a = await Task.WhenAll(inputs.Select(async m => (await plain.GetResponseAsync(m)).Text));
        var b = await Task.WhenAll(inputs.Select(async m => (await named.GetResponseAsync(m)).Text));

        Assert.Equal("sim-1", plain.World.Options.ModelId);
        Assert.Equal("small", named.World.Options.ModelId);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Factory_SameName_SharesOneWorld()
    {
        var factory = SimulatorModels.CreateFactory([SimTestTasks.Arithmetic(120)]);
        SimulatedWorld World(string spec) => ((SimulatedChatClient)factory(ModelSpec.Parse(spec))).World;

        Assert.Same(World("sim"), World("sim"));
        Assert.Same(World("sim:x"), World("sim:x"));
        Assert.NotSame(World("sim"), World("sim:x"));
        Assert.Throws<ArgumentException>(() => factory(ModelSpec.OpenAI("gpt-4o-mini")));
    }
}
