using PromptOpt.Evaluation.Metrics;
using static PromptOpt.Tests.Evaluation.MetricTestData;

namespace PromptOpt.Tests.Evaluation;

public sealed class TokenF1MetricTests
{
    private readonly TokenF1Metric _metric = TokenF1Metric.Instance;

    [Fact]
    public void Score_SameTokensIgnoringArticlesAndPunctuation_IsOne()
    {
        Assert.Equal(1, _metric.Score("<answer>The Eiffel Tower!</answer>", Free("eiffel tower")).Score);
    }

    [Fact]
    public void Score_PartialOverlap_IsHandComputedF1()
    {
        // prediction {eiffel, tower, paris} vs gold {eiffel, tower}: P = 2/3, R = 1, F1 = 0.8.
        var r = _metric.Score("<answer>Eiffel Tower, Paris</answer>", Free("the Eiffel Tower"));

        Assert.Equal(0.8, r.Score, 10);
        Assert.Contains("token F1 0.80", r.Feedback);
    }

    [Fact]
    public void Score_BestOfAlternatives_IsUsed()
    {
        Assert.Equal(1, _metric.Score("Answer: NYC", Free("New York City", """{"answers": ["NYC"]}""")).Score);
    }

    [Fact]
    public void Score_Disjoint_IsZero()
    {
        Assert.Equal(0, _metric.Score("<answer>London</answer>", Free("Paris")).Score);
    }

    [Fact]
    public void Score_Unparseable_NoPrediction()
    {
        var r = _metric.Score("<answer>...</answer>", Free("Paris"));

        Assert.Null(r.Prediction);
        Assert.Equal(0, r.Score);
    }
}
