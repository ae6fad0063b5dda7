using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Optimizers;

/// <summary>The requests can be built from what a caller knows (the task and the models); everything else has a default.</summary>
public sealed class RequestConstructionTests
{
    private static TaskDefinition Task()
    {
        var example = new Example("e1", "What is 1 + 1?", "2");
        return DatasetTasks.FromDataset(new Dataset("doubling", [example], [], [example]), "Add the numbers.");
    }

    [Fact]
    public void OptimizationRequest_Ctor_Defaults()
    {
        var task = Task();
        var model = new FakeChatClient();
        var request = new OptimizationRequest(task, model);

        Assert.Same(task, request.Task);
        Assert.Same(model, request.TaskModel);
        Assert.Same(model, request.OptimizerModel);
        Assert.NotNull(request.Usage);
        Assert.Equal(OptimizationBudget.Unlimited, request.Usage.Budget);
        Assert.Equal(0, request.Seed);
        Assert.Equal(50, request.TrainSize);
        Assert.Equal(200, request.TestSize);
        Assert.True(request.EvaluateOnTest);
        Assert.Null(request.Progress);
        Assert.Empty(request.SourceTasks);
        Assert.Equal(task.StartPrompt, request.EffectiveStartPrompt);
    }

    [Fact]
    public void OptimizationRequest_Initializer_OptimizerModelDefaultsToTaskModel()
    {
        var model = new FakeChatClient();
        var optimizer = new FakeChatClient();
        var meter = new UsageMeter();

        var request = new OptimizationRequest { Task = Task(), TaskModel = model };
        var both = new OptimizationRequest(Task(), model, optimizer, meter);

        Assert.Same(model, request.OptimizerModel);
        Assert.Same(optimizer, both.OptimizerModel);
        Assert.Same(meter, both.Usage);
        Assert.Same(optimizer, both.ForTask(Task()).OptimizerModel);
    }

    [Fact]
    public void OptimizationRequest_Ctor_NullTaskOrModel_Throws()
    {
        Assert.Throws<ArgumentNullException>("task", () => new OptimizationRequest(null!, new FakeChatClient()));
        Assert.Throws<ArgumentNullException>("taskModel", () => new OptimizationRequest(Task(), null!));
    }

    [Fact]
    public void DecisionRequest_Ctor_Defaults()
    {
        var model = new FakeChatClient();
        var request = new DecisionRequest(model) { EnvironmentName = "bandit-hard" };

        Assert.Same(model, request.AgentModel);
        Assert.Same(model, request.OptimizerModel);
        Assert.NotNull(request.Usage);
        Assert.Null(request.Steps);
        Assert.Null(request.Embedder);
        Assert.Equal("bandit-hard", request.ResolveEnvironment().Name);
        Assert.Throws<ArgumentNullException>("agentModel", () => new DecisionRequest(null!));
    }
}
