using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Tests.Evaluation;

public sealed class MetricCatalogTests
{
    [Fact]
    public void Create_EachName_ReturnsMetricWithThatName()
    {
        Assert.All(MetricCatalog.Names, n => Assert.Equal(n, MetricCatalog.Create(n).Name));
    }

    [Fact]
    public void Create_Unknown_ThrowsListingNames()
    {
        var ex = Assert.Throws<PromptOptInputException>(() => MetricCatalog.Create("bleu"));

        Assert.Contains("exact_match", ex.Message);
        Assert.Contains("macro_f1", ex.Message);
    }
}
