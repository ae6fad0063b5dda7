using PromptOpt.Models;

namespace PromptOpt.Tests.Core;

public class UsageMeterTests
{
    [Fact]
    public void Reserve_TaskBudgetSpent_Throws()
    {
        var meter = new UsageMeter(new OptimizationBudget { MaxTaskCalls = 2 });
        meter.Reserve(ModelRoles.Task);
        meter.Record(ModelRoles.Task, "sim-1", 10, 2, cacheHit: false);
        meter.Reserve(ModelRoles.Task);
        meter.Record(ModelRoles.Task, "sim-1", 10, 2, cacheHit: true);
        Assert.Throws<BudgetExhaustedException>(() => meter.Reserve(ModelRoles.Task));
        meter.Reserve(ModelRoles.Optimizer); // a separate budget
        var total = meter.Snapshot().Total;
        Assert.Equal(3, total.Calls);
        Assert.Equal(1, total.CachedCalls);
    }

    [Fact]
    public void Record_KnownModel_EstimatesDollarsForPaidCallsOnly()
    {
        var meter = new UsageMeter(prices: PriceTable.Default.WithOverride("my-model=1/2"));
        meter.Reserve(ModelRoles.Task);
        meter.Record(ModelRoles.Task, "my-model-v1", 1_000_000, 500_000, cacheHit: false);
        meter.Reserve(ModelRoles.Task);
        meter.Record(ModelRoles.Task, "my-model-v1", 1_000_000, 500_000, cacheHit: true);
        Assert.Equal(2m, meter.Snapshot().Total.EstimatedDollars);
    }

    [Fact]
    public void Reserve_Embedding_NotChargedToCallBudgetsButToTokens()
    {
        var meter = new UsageMeter(new OptimizationBudget { MaxTaskCalls = 1, MaxOptimizerCalls = 0, MaxTokens = 100 });
        meter.Reserve(ModelRoles.Agent);
        meter.Record(ModelRoles.Agent, "sim-1", 10, 2, cacheHit: false);

        meter.Reserve(ModelRoles.Embedding); // the task-call budget is spent, but embeddings are not task calls
        meter.Record(ModelRoles.Embedding, "text-embedding-3-small", 90, 0, cacheHit: false);

        Assert.Equal(0, meter.RemainingCalls(ModelRoles.Task));
        Assert.Equal("token budget of 100 spent", meter.ExhaustedReason(ModelRoles.Embedding));
        Assert.Throws<BudgetExhaustedException>(() => meter.Reserve(ModelRoles.Embedding));
    }

    [Fact]
    public void WithOverride_BadText_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => PriceTable.Default.WithOverride("nonsense"));
    }
}
