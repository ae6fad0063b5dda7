using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Evaluation.Metrics;
using static PromptOpt.Tests.Evaluation.MetricTestData;

namespace PromptOpt.Tests.Evaluation;

public sealed class MacroF1MetricTests
{
    private readonly MacroF1Metric _metric = MacroF1Metric.Instance;

    [Fact]
    public void Score_PerExample_IsLabelMatch()
    {
        Assert.Equal(1, _metric.Score("<answer>yes</answer>", Labels("Yes")).Score);
        Assert.Equal(0, _metric.Score("<answer>no</answer>", Labels("Yes")).Score);
    }

    [Fact]
    public void Aggregate_HandComputedExample_MatchesMacroF1()
    {
        // gold:  Yes Yes No  No    No
        // pred:  Yes No  No  (none) Yes
        // Yes: TP 1, FP 1, FN 1 → F1 = 2/4 = 0.5.  No: TP 1, FP 1, FN 2 → F1 = 2/5 = 0.4.  Macro = 0.45.
        // The unparseable prediction is a false negative of No and is not averaged as a class of its own.
        var results = Results(("Yes", "Yes"), ("Yes", "No"), ("No", "No"), ("No", null), ("No", "Yes"));

        Assert.Equal(0.45, _metric.Aggregate(results), 10);
        Assert.Equal(0.45, ((IMetric)_metric).Aggregate(results), 10); // through the interface too
    }

    [Fact]
    public void Aggregate_DiffersFromAccuracyOnImbalancedData()
    {
        // Always answering No on 4 No + 1 Yes: accuracy 0.8, but F1(No) = 8/9 and F1(Yes) = 0 → macro 4/9.
        var results = Results(("No", "No"), ("No", "No"), ("No", "No"), ("No", "No"), ("Yes", "No"));

        Assert.Equal(4.0 / 9.0, _metric.Aggregate(results), 10);
    }

    [Fact]
    public void Aggregate_LabelNeverSeenOrPredicted_IsNotAveraged()
    {
        var results = Results(("No", "No"), ("No", "No"));

        Assert.Equal(1, _metric.Aggregate(results));
    }

    [Fact]
    public void Aggregate_Empty_IsZero()
    {
        Assert.Equal(0, _metric.Aggregate([]));
    }

    private static List<(string? Prediction, Example Example, double Score)> Results(params (string Gold, string? Predicted)[] rows) =>
        rows.Select(r => (r.Predicted, Labels(r.Gold), r.Predicted == r.Gold ? 1.0 : 0.0)).ToList();
}
