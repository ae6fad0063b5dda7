using PromptOpt.Evaluation.Metrics;
using static PromptOpt.Tests.Evaluation.MetricTestData;

namespace PromptOpt.Tests.Evaluation;

public sealed class ExactMatchMetricTests
{
    private readonly ExactMatchMetric _metric = ExactMatchMetric.Instance;

    [Theory]
    [InlineData("gram")]
    [InlineData("  GRAM. ")]
    [InlineData("<answer>Gram</answer>")]
    [InlineData("Thinking about it, the answer is gram.")]
    public void Score_MatchingAnswer_IsOne(string response)
    {
        var r = _metric.Score(response, Free("gram"));

        Assert.Equal(1, r.Score);
        Assert.Equal("correct", r.Feedback);
    }

    [Fact]
    public void Score_WrongAnswer_IsZeroWithFeedback()
    {
        var r = _metric.Score("<answer>ham</answer>", Free("gram"));

        Assert.Equal(0, r.Score);
        Assert.Equal("ham", r.Prediction);
        Assert.Equal("expected \"gram\", got \"ham\"", r.Feedback);
    }

    [Fact]
    public void Score_AlternativeFromMetaAnswers_IsOne()
    {
        var e = Free("gram", """{"answers": ["exam", "gram", "tram"]}""");

        Assert.Equal(1, _metric.Score("<answer>tram</answer>", e).Score);
        Assert.Equal(0, _metric.Score("<answer>tray</answer>", e).Score);
    }

    [Fact]
    public void Score_SentenceAnswerAfterCue_IsReadToTheEndOfTheLine()
    {
        var e = Free("The song was sung by Mr. Smith.");

        Assert.Equal(1, _metric.Score("Let me think about this. Based on the information given, my answer is The song was sung by Mr. Smith.", e).Score);
        Assert.Equal(0, _metric.Score("my answer is The song was sung by Mr. Jones.", e).Score);
    }

    [Fact]
    public void Score_CollapsesInnerSpaces()
    {
        Assert.Equal(1, _metric.Score("<answer>apple   banana\ncherry</answer>", Free("apple banana cherry")).Score);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<answer> </answer>")]
    public void Score_Unparseable_HasNoPrediction(string response)
    {
        var r = _metric.Score(response, Free("gram"));

        Assert.Equal(0, r.Score);
        Assert.Null(r.Prediction);
        Assert.StartsWith("no answer could be parsed", r.Feedback);
    }
}
