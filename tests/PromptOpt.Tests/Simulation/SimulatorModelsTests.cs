using Microsoft.Extensions.AI;
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
        var factory = SimulatorModels.Factory([SimTestTasks.Arithmetic(120)]);

        Assert.Same(factory(null).World, factory(null).World);
        Assert.Same(factory("x").World, factory("x").World);
        Assert.NotSame(factory(null).World, factory("x").World);
    }
}
