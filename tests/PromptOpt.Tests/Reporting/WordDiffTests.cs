using PromptOpt.Reporting;

namespace PromptOpt.Tests.Reporting;

public class WordDiffTests
{
    [Fact]
    public void Diff_ReplacedWord_GivesOneDeletionAndOneInsertion()
    {
        var pieces = WordDiff.Diff("the quick brown fox", "the slow brown fox");

        Assert.Equal("the [-quick-] {+slow+} brown fox", WordDiff.ToPlain(pieces));
        Assert.Equal([WordDiff.Kind.Same, WordDiff.Kind.Deleted, WordDiff.Kind.Inserted, WordDiff.Kind.Same], pieces.Select(p => p.Kind));
    }

    [Fact]
    public void Diff_IdenticalTexts_IsOneUnchangedRunPreservingLineBreaks()
    {
        var text = "## Task\nAnswer.\n\n## Format\nOne letter.";

        var pieces = WordDiff.Diff(text, text);

        Assert.Equal(text, Assert.Single(pieces).Text);
    }

    [Fact]
    public void Diff_ChangesAtBothEnds_AreFoundAroundTheCommonMiddle()
    {
        var pieces = WordDiff.Diff("Be brief. Answer now.", "Please answer now. Thanks!");

        Assert.Equal("[-Be brief. Answer-] {+Please answer+} now. {+Thanks!+}", WordDiff.ToPlain(pieces));
    }

    [Fact]
    public void Diff_FromEmpty_IsAllInserted()
    {
        var pieces = WordDiff.Diff(string.Empty, "new words");

        var only = Assert.Single(pieces);
        Assert.Equal(WordDiff.Kind.Inserted, only.Kind);
        Assert.Equal("new words", only.Text);
    }

    [Fact]
    public void WriteHtml_EscapesWords()
    {
        var h = new HtmlBuilder();

        WordDiff.WriteHtml(h, WordDiff.Diff("a <b>", "a <i>"));

        Assert.Equal("a <del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins>", h.ToString());
    }
}
