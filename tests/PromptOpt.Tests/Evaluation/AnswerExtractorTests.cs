using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Tests.Evaluation;

public sealed class AnswerExtractorTests
{
    [Theory]
    [InlineData("<answer>B</answer>", "B")]
    [InlineData("First <answer>A</answer> then, on reflection, <ANSWER> C </Answer>.", "C")]
    [InlineData("Reasoning... <answer>42", "42")]
    [InlineData("<answer></answer>", "")]
    public void ExtractTag_Tagged_ReturnsLastBlock(string response, string expected)
    {
        Assert.Equal(expected, AnswerExtractor.ExtractTag(response));
    }

    [Fact]
    public void ExtractTag_NoTag_ReturnsNull()
    {
        Assert.Null(AnswerExtractor.ExtractTag("The answer is B."));
    }

    [Theory]
    [InlineData("<answer>gram</answer>", "gram")]
    [InlineData("Let me think. The answer is gram. It rhymes.", "gram")]
    [InlineData("Final answer: 3.5", "3.5")]
    [InlineData("thinking...\n\nvet\n", "vet")]
    [InlineData("", "")]
    public void ExtractAnswer_VariousShapes_ReturnsAnswerText(string response, string expected)
    {
        Assert.Equal(expected, AnswerExtractor.ExtractAnswer(response));
    }

    [Theory]
    [InlineData("  The  Cat.  ", "the cat")]
    [InlineData("\"Yes\"", "yes")]
    [InlineData("**No**.", "no")]
    [InlineData("`apple banana`", "apple banana")]
    public void Normalize_Decorations_AreStripped(string text, string expected)
    {
        Assert.Equal(expected, AnswerExtractor.Normalize(text));
    }

    [Theory]
    [InlineData("So 3 + 4 = 7.", 7)]
    [InlineData("The total is $1,234.50 today", 1234.5)]
    [InlineData("It went from 5 to -12", -12)]
    [InlineData("5-3", 3)]
    [InlineData("I have eleven apples", 11)]
    [InlineData("2, 3, 4", 4)]
    [InlineData("The value is \u22127", -7)]
    public void ExtractLastNumber_Text_ReturnsLastNumber(string text, double expected)
    {
        Assert.Equal(expected, AnswerExtractor.ExtractLastNumber(text));
    }

    [Fact]
    public void ExtractLastNumber_NoNumber_ReturnsNull()
    {
        Assert.Null(AnswerExtractor.ExtractLastNumber("no digits here, none at all"));
    }
}
