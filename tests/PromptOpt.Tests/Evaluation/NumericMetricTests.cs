using PromptOpt.Evaluation.Metrics;
using static PromptOpt.Tests.Evaluation.MetricTestData;

namespace PromptOpt.Tests.Evaluation;

public sealed class NumericMetricTests
{
    private readonly NumericMetric _metric = NumericMetric.Instance;

    [Theory]
    [InlineData("1234")]
    [InlineData("<answer>1,234</answer>")]
    [InlineData("First 12 and 30, so in total the answer is 1,234.")]
    [InlineData("<answer>1234.0</answer>")]
    [InlineData("The answer: 1234 dollars")]
    public void Score_SameNumber_IsOne(string response)
    {
        var r = _metric.Score(response, Free("1234"));

        Assert.Equal(1, r.Score);
        Assert.Equal("1234", r.Prediction);
    }

    [Fact]
    public void Score_NumberWord_IsRead()
    {
        Assert.Equal(1, _metric.Score("I count seven of them.", Free("7")).Score);
    }

    [Fact]
    public void Score_TaggedAnswer_WinsOverNumbersOutside()
    {
        Assert.Equal(1, _metric.Score("3 + 4 = 7, times 2 is 14 <answer>-5</answer> (checked 3 times)", Free("-5")).Score);
    }

    [Fact]
    public void Score_WrongNumber_FeedbackNamesBoth()
    {
        var r = _metric.Score("<answer>12</answer>", Free("13"));

        Assert.Equal(0, r.Score);
        Assert.Equal("expected 13, got 12", r.Feedback);
    }

    [Fact]
    public void Score_NoNumber_NoPrediction()
    {
        var r = _metric.Score("I cannot tell.", Free("13"));

        Assert.Null(r.Prediction);
        Assert.Equal("no answer could be parsed; expected 13", r.Feedback);
    }

    [Fact]
    public void Score_Tolerance_AcceptsTinyDifferences()
    {
        Assert.Equal(1, _metric.Score("0.30000000000000004", Free("0.3")).Score);
        Assert.Equal(0, _metric.Score("0.31", Free("0.3")).Score);
        Assert.Equal(1, new NumericMetric { Tolerance = 0.1 }.Score("0.31", Free("0.3")).Score);
    }

    [Fact]
    public void Score_NonNumericTarget_FallsBackToExactMatch()
    {
        Assert.Equal(1, _metric.Score("<answer>seven</answer>", Free("seven")).Score);
    }
}
