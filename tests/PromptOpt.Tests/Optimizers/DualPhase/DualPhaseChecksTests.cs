using PromptOpt.Optimizers.DualPhase;
using PromptOpt.Prompts;

namespace PromptOpt.Tests.Optimizers.DualPhase;

public class DualPhaseChecksTests
{
    [Theory]
    [InlineData(0.30, 0.3, true)]
    [InlineData(0.29, 0.3, false)]
    [InlineData(0.0, 0.0, true)]
    public void PassesFastCheck_ComparesWithHf(double accuracy, double hf, bool expected) =>
        Assert.Equal(expected, DualPhaseChecks.PassesFastCheck(accuracy, hf));

    [Theory]
    [InlineData(0.62, 0.60, 0.01, true)] // gain 0.02 ≥ h_v
    [InlineData(0.60, 0.60, 0.01, false)] // no gain
    [InlineData(0.65, 0.60, 0.10, false)] // gain below the reimplementation's h_v
    [InlineData(0.70, 0.60, 0.10, true)] // gain exactly h_v (sums of fractions: tolerance)
    [InlineData(0.975, 0.95, 0.10, true)] // A within h_v of 1: strictly better is enough
    [InlineData(0.95, 0.95, 0.10, false)] // ... but not equal
    [InlineData(0.60, 0.60, 0.0, true)] // h_v = 0 accepts ties, as Eq. 8 says
    public void Accepts_FollowsEq8(double newScore, double score, double hv, bool expected) =>
        Assert.Equal(expected, DualPhaseChecks.Accepts(newScore, score, hv));

    [Fact]
    public void Reward_MixesScoreAndFailureAccuracy() =>
        Assert.Equal((0.4 * 0.8) + (0.6 * 0.5), DualPhaseChecks.Reward(0.4, 0.8, 0.5), 12);

    [Fact]
    public void EditablePrompt_RewriteKeepsSeparatorsHeadersAndCount()
    {
        const string text = "## Task type\nThis is a numerical task. Use e.g. 3.14 as written.\n\n## Steps\n1. Read the input.\n2. Work through it step by step.\n\n{question}";
        var doc = EditablePrompt.Create(new Prompt("You are careful.", text));
        Assert.False(doc.EditsSystem);
        Assert.Equal(4, doc.EditableCount);
        Assert.Equal("Use e.g. 3.14 as written.", doc.SentenceText(1));

        var edited = doc.WithSentence(3, "  2. Reason through it carefully.  ");

        Assert.Equal(text.Replace("2. Work through it step by step.", "2. Reason through it carefully.", StringComparison.Ordinal), edited.Prompt.User);
        Assert.Equal("You are careful.", edited.Prompt.System);
        Assert.Equal(doc.EditableCount, edited.EditableCount);
        edited.EnsureLossless();
    }

    [Fact]
    public void EditablePrompt_UserWithoutSentences_EditsTheSystemPart()
    {
        var doc = EditablePrompt.Create(new Prompt("Answer carefully. Output only the answer.", "{question}"));

        Assert.True(doc.EditsSystem);
        Assert.Equal(2, doc.EditableCount);
        Assert.Equal("Answer briefly. Output only the answer.", doc.WithSentence(0, "Answer briefly.").Prompt.System);
    }
}
