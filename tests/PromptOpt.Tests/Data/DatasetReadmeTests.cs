using PromptOpt.Data;

namespace PromptOpt.Tests.Data;

public sealed class DatasetReadmeTests
{
    [Theory]
    [InlineData("**Task instruction (own words):** Give an antonym of the given word.", "Give an antonym of the given word.")]
    [InlineData("- **Task instruction:** Sort the words.", "Sort the words.")]
    [InlineData("Instruction: Classify the review.", "Classify the review.")]
    [InlineData("**Instruction**: Say yes or no.", "Say yes or no.")]
    public void ParseInstruction_InstructionLine_ReturnsText(string line, string expected)
    {
        var text = DatasetReadme.ParseInstruction(["# title", string.Empty, line, "- **Metric:** exact match"]);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void ParseInstruction_NoInstructionLine_ReturnsNull()
    {
        Assert.Null(DatasetReadme.ParseInstruction(["# title", "The instructions below explain the format", "- **Metric:** exact"]));
    }

    [Fact]
    public void TryReadInstruction_NoReadme_ReturnsNull()
    {
        Assert.Null(DatasetReadme.TryReadInstruction(Path.Combine(Path.GetTempPath(), "promptopt-no-such-dir-" + Guid.NewGuid().ToString("N"))));
    }
}
