using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.MetaSpo;

namespace PromptOpt.Tests.Optimizers;

/// <summary>
/// Issue 13, start-prompt parity: every single-task method in the registry (so methods registered later are checked too)
/// starts from the task's one-line instruction plus its answer-format line, and records the same start prompt and start
/// scores for the same request.
/// </summary>
public sealed class StartPromptParityTests
{
    public static TheoryData<string> SingleTaskMethods()
    {
        var data = new TheoryData<string>();
        foreach (var name in OptimizerRegistry.Names.Where(n => n != MetaSpoOptimizer.MethodName))
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void StartPrompt_IsTheOneLinerThenTheAnswerFormatThenTheQuestion()
    {
        var task = Baselines.BaselineRig.Task("navigate");

        Assert.Equal(task.DefaultInstruction + "\n" + task.AnswerFormat + "\n\n" + PromptOpt.Prompts.Prompt.QuestionPlaceholder, task.StartPrompt.User);
        Assert.Null(task.StartPrompt.System);
    }

    [Theory]
    [MemberData(nameof(SingleTaskMethods))]
    public async Task OptimizeAsync_EveryMethod_RecordsTheSameStartPromptAndStartScores(string method)
    {
        var task = Baselines.BaselineRig.Task("navigate");
        var reference = await OptimizerRegistry.Create(PromptOpt.Optimizers.DualPhase.DualPhaseNames.Method)
            .OptimizeAsync(Baselines.BaselineRig.Request(task, new OptimizationBudget { MaxTaskCalls = 120, MaxOptimizerCalls = 3 }, trainSize: 20));

        var result = await OptimizerRegistry.Create(method)
            .OptimizeAsync(Baselines.BaselineRig.Request(task, new OptimizationBudget { MaxTaskCalls = 120, MaxOptimizerCalls = 3 }, trainSize: 20));

        Assert.Equal(task.StartPrompt, result.StartPrompt);
        Assert.Equal(task.StartPrompt, result.Candidates[0].Prompt);
        Assert.Equal(reference.StartTrainScore, result.StartTrainScore);
        Assert.Equal(reference.StartTestScore, result.StartTestScore);
        Assert.Equal(method, result.Method);
    }
}
