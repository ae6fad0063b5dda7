using PromptOpt.Evaluation.Metrics;
using static PromptOpt.Tests.Evaluation.MetricTestData;

namespace PromptOpt.Tests.Evaluation;

public sealed class ChoiceMetricTests
{
    private readonly ChoiceMetric _metric = ChoiceMetric.Instance;

    [Theory]
    [InlineData("(B)")]
    [InlineData("B")]
    [InlineData("B)")]
    [InlineData("b.")]
    [InlineData("<answer>(B)</answer>")]
    [InlineData("<answer>B</answer>")]
    [InlineData("Let me check each date. (A) is too late. So the answer is (B).")]
    [InlineData("After careful thought, the answer is B.")]
    [InlineData("I would pick option B here.")]
    [InlineData("<answer>(A)</answer> wait, no: <answer>(B)</answer>")]
    [InlineData("The result is 08/03/2035, which is (B).")]
    [InlineData("<answer>08/03/2035</answer>")]
    public void Score_LetterOptionB_IsRecognised(string response)
    {
        var r = _metric.Score(response, Letters("(B)"));

        Assert.Equal("(B)", r.Prediction);
        Assert.Equal(1, r.Score);
    }

    [Fact]
    public void Score_WrongLetter_FeedbackNamesBoth()
    {
        var r = _metric.Score("<answer>(C)</answer>", Letters("(B)"));

        Assert.Equal(0, r.Score);
        Assert.Equal("(C)", r.Prediction);
        Assert.Equal("expected (B), got (C)", r.Feedback);
    }

    [Theory]
    [InlineData("It is either (A) or (C).")]
    [InlineData("I am not sure.")]
    [InlineData("the answer is a duck")]
    [InlineData("(F)")]
    public void Score_AmbiguousOrMissingLetter_NoPrediction(string response)
    {
        var r = _metric.Score(response, Letters("(B)"));

        Assert.Null(r.Prediction);
        Assert.Equal(0, r.Score);
        Assert.StartsWith("no answer could be parsed; expected (B)", r.Feedback);
    }

    [Theory]
    [InlineData("Yes")]
    [InlineData("yes.")]
    [InlineData("<answer>yes</answer>")]
    [InlineData("**Yes**")]
    [InlineData("After following every step I end up where I began, so yes.")]
    [InlineData("No doubt about it: the answer is Yes.")]
    public void Score_LabelYes_IsRecognisedCaseInsensitively(string response)
    {
        var r = _metric.Score(response, Labels("Yes"));

        Assert.Equal("Yes", r.Prediction);
        Assert.Equal(1, r.Score);
    }

    [Fact]
    public void Score_LabelNamesBoth_IsAmbiguous()
    {
        var r = _metric.Score("It could be yes or no.", Labels("Yes"));

        Assert.Null(r.Prediction);
        Assert.Contains("names Yes, No", r.Feedback);
    }

    [Fact]
    public void Score_LabelWordInsideAnotherWord_IsNotAMatch()
    {
        // "Nothing" and "Yesterday" contain the labels only as parts of words.
        Assert.Null(_metric.Score("Nothing happened yesterday.", Labels("Yes")).Prediction);
    }

    [Fact]
    public void Score_NumericLabels_ReadsTheRating()
    {
        var e = Labels("4", "1", "2", "3", "4", "5");

        Assert.Equal("4", _metric.Score("<answer>4</answer>", e).Prediction);
        Assert.Equal("4", _metric.Score("I would give it 4 stars.", e).Prediction);
        Assert.Null(_metric.Score("4 out of 5", e).Prediction);
    }

    [Fact]
    public void Score_ExampleWithoutChoices_FallsBackToExactMatch()
    {
        Assert.Equal(1, _metric.Score("<answer>Paris</answer>", Free("paris")).Score);
    }

    [Fact]
    public void ParseChoice_ReturnsChoiceAsSpelled()
    {
        Assert.Equal("positive", ChoiceMetric.ParseChoice("Sentiment: POSITIVE", ["negative", "positive"]));
    }
}
