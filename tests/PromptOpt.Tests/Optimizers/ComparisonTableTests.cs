using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Optimizers.Compare;
using PromptOpt.Prompts;
using PromptOpt.Reporting;

namespace PromptOpt.Tests.Optimizers;

public sealed class ComparisonTableTests
{
    private static ComparisonRun Run(string method, int seed, double test, params (long Calls, double Best)[] trajectory) => new()
    {
        Task = "t",
        Method = method,
        Seed = seed,
        RunId = $"{method}-{seed}",
        StartPrompt = Prompt.FromInstruction("start"),
        BestPrompt = Prompt.FromInstruction($"{method} {seed}"),
        StartTestScore = 0.5,
        TestScore = test,
        TaskCalls = 100,
        SpendShare = 0.9,
        StopReason = seed == 1 ? "budget" : "completed",
        Trajectory = trajectory.Select(p => new TrajectoryPoint(p.Calls, p.Best)).ToList(),
        OracleTestScore = 0.8,
        OracleTrainScore = 0.8,
    };

    [Fact]
    public void MeanSe_Paired_IsTheMeanAndStandardErrorOfTheDifferences()
    {
        var a = new Dictionary<int, double> { [1] = 0.9, [2] = 0.8, [3] = 0.7, [4] = 0.5 };
        var b = new Dictionary<int, double> { [1] = 0.6, [2] = 0.6, [3] = 0.6 };

        var d = MeanSe.Paired(a, b); // seeds 1–3 only: 0.3, 0.2, 0.1

        Assert.Equal(3, d.N);
        Assert.Equal(0.2, d.Mean, 12);
        Assert.Equal(0.1 / Math.Sqrt(3), d.StandardError, 12); // sd 0.1
        Assert.Equal(0.2 / (0.1 / Math.Sqrt(3)), d.T!.Value, 9);
        Assert.Null(MeanSe.Of([0.4]).T);
    }

    [Fact]
    public void Build_PromptWords_IsTheMeanLengthOfTheBestPromptsWithTheirDemos()
    {
        var plain = Run("a", 1, 0.6) with { BestPrompt = Prompt.FromInstruction("Answer with one word.") };
        var withDemos = Run("a", 2, 0.7) with
        {
            BestPrompt = Prompt.FromInstruction("Answer.") with { Demos = [new Demo("two plus two", "four")] },
        };

        var row = ComparisonTable.Build("t", [plain, withDemos], ["a"]).Rows[0];

        var bare = Run("a", 3, 0.5) with { BestPrompt = Prompt.FromInstruction("Answer.") };
        Assert.Equal(3, plain.PromptWords - bare.PromptWords); // "with one word." over "Answer." (the question placeholder counts in both)
        Assert.True(withDemos.PromptWords >= bare.PromptWords + 4, $"the demo's words count: {withDemos.PromptWords}"); // + "two plus two" "four" (+ labels)
        Assert.Equal((plain.PromptWords + withDemos.PromptWords) / 2.0, row.PromptWords.Mean, 12);
        Assert.Equal(row.PromptWords.Mean.ToString("0", System.Globalization.CultureInfo.InvariantCulture), ComparisonReport.Cells(row, 2)[^1]);
    }

    [Fact]
    public void Build_RowsBestFirst_DeltaPairedAgainstTheBest_OracleColumns()
    {
        var runs = new List<ComparisonRun>
        {
            Run("a", 1, 0.6, (10, 0.5), (50, 0.6)), Run("a", 2, 0.7, (10, 0.5), (40, 0.75)),
            Run("b", 1, 0.8, (10, 0.5), (20, 0.8)), Run("b", 2, 0.9, (10, 0.6), (30, 0.9)),
        };

        var table = ComparisonTable.Build("t", runs, ["a", "b"]);

        Assert.Equal(["b", "a"], table.Rows.Select(r => r.Method));
        Assert.Null(table.Rows[0].DeltaVsBest);
        Assert.Equal(-0.2, table.Rows[1].DeltaVsBest!.Value.Mean, 12);
        Assert.Equal("budget×1, completed×1", table.Rows[0].StopReasons);
        Assert.Equal((0.8 / 0.8 + 0.9 / 0.8) / 2, table.Rows[0].OracleFraction!.Value, 12);
        Assert.Equal(25, table.Rows[0].CallsToNinetyPercent); // seed 1 at 20 calls (0.8 ≥ 0.72), seed 2 at 30
        Assert.Equal(1, table.Rows[1].ReachedNinetyPercent); // only seed 2 of "a" (0.75 at 40 calls)
        Assert.Equal(Prompt.FromInstruction("b 2"), table.Rows[0].BestPrompt);
        Assert.Contains("| b | 0.850 ± 0.050 | best |", ComparisonReport.ToMarkdown([table], "x", []), StringComparison.Ordinal);
    }

    [Fact]
    public void BestSoFar_StepFunctionOfCalls_KeepsTheFinalBestAfterTheRunEnds()
    {
        var run = Run("a", 1, 0.6, (10, 0.5), (30, 0.4), (50, 0.7));

        Assert.Null(ComparisonTable.BestSoFar(run, 9));
        Assert.Equal(0.5, ComparisonTable.BestSoFar(run, 35));
        Assert.Equal(0.7, ComparisonTable.BestSoFar(run, 1000));
        var curve = ComparisonTable.Curve([run, Run("a", 2, 0.6, (20, 0.9))]);
        Assert.Equal(50, curve[^1].Calls);
        Assert.Equal(0.8, curve[^1].Score.Mean, 12);
        Assert.Equal(0.1, curve[^1].Score.StandardError, 12);
    }

    [Fact]
    public void BudgetPlanning_Measure_TheLargestShareOverTheLimitedDimensions()
    {
        var usage = new UsageSnapshot(new Dictionary<string, RoleUsage>
        {
            [ModelRoles.Task] = RoleUsage.Empty with { Calls = 300 },
            [ModelRoles.Optimizer] = RoleUsage.Empty with { Calls = 18 },
            [ModelRoles.Test] = RoleUsage.Empty with { Calls = 400 },
        });

        var spend = BudgetPlanning.Measure(new OptimizationBudget { MaxTaskCalls = 600, MaxOptimizerCalls = 20 }, usage);

        Assert.Equal(0.9, spend.Share!.Value, 12);
        Assert.Equal("optimizer-calls", spend.Binding);
        Assert.Equal("300 of 600 task-calls, 18 of 20 optimizer-calls", spend.ToString());
        Assert.Null(BudgetPlanning.Measure(OptimizationBudget.Unlimited, usage).Share);
    }
}
