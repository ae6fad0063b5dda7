using PromptOpt.Evaluation.Metrics;
using static PromptOpt.Tests.Evaluation.MetricTestData;

namespace PromptOpt.Tests.Evaluation;

public sealed class SetMatchMetricTests
{
    private readonly SetMatchMetric _metric = SetMatchMetric.Instance;
    private readonly PromptOpt.Data.Example _animals = Free("cat, lion, duck", """{"answers_set": ["cat", "lion", "duck"]}""");

    [Theory]
    [InlineData("<answer>duck, cat, lion</answer>")]
    [InlineData("<answer>Lion, Duck and Cat.</answer>")]
    [InlineData("The answer is: cat, lion, duck")]
    [InlineData("<answer>cat lion duck</answer>")]
    [InlineData("<answer>cat, cat, lion, duck</answer>")]
    public void Score_SameSet_IsOne(string response)
    {
        Assert.Equal(1, _metric.Score(response, _animals).Score);
    }

    [Fact]
    public void Score_MissingAndExtra_FeedbackListsThem()
    {
        var r = _metric.Score("<answer>cat, lion, lemon</answer>", _animals);

        Assert.Equal(0, r.Score);
        Assert.Equal("cat, lemon, lion", r.Prediction);
        Assert.Contains("missing duck", r.Feedback);
        Assert.Contains("extra lemon", r.Feedback);
    }

    [Fact]
    public void Score_NoMetaSet_UsesTargetItems()
    {
        Assert.Equal(1, _metric.Score("<answer>b, a</answer>", Free("a, b")).Score);
    }

    [Fact]
    public void Score_Empty_NoPrediction()
    {
        var r = _metric.Score("<answer></answer>", _animals);

        Assert.Null(r.Prediction);
        Assert.StartsWith("no answer could be parsed", r.Feedback);
    }
}
