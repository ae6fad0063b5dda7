using PromptOpt.Cli;

namespace PromptOpt.Tests.Cli;

public class FaultSpecTests
{
    [Fact]
    public void Parse_AllKinds_SetsEachRate()
    {
        var spec = FaultSpec.Parse("429=0.05, 500=0.02,503=0.01,timeout=0.03,MALFORMED=0.04,drop=0.06");

        Assert.Equal(new FaultSpec(0.05, 0.02, 0.01, 0.03, 0.04, 0.06), spec);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Parse_Empty_IsNone(string? text) => Assert.Equal(FaultSpec.None, FaultSpec.Parse(text));

    [Theory]
    [InlineData("429", "is not kind=rate")]
    [InlineData("429=x", "is not kind=rate")]
    [InlineData("=0.1", "is not kind=rate")]
    [InlineData("418=0.1", "unknown fault kind '418'")]
    [InlineData("500=1.5", "between 0 and 1")]
    [InlineData("500=-0.1", "between 0 and 1")]
    [InlineData("500=0.6,503=0.6", "more than 1")]
    public void Parse_Bad_ThrowsInputException(string text, string expected)
    {
        var ex = Assert.Throws<PromptOptInputException>(() => FaultSpec.Parse(text));

        Assert.Contains(expected, ex.Message);
    }
}
