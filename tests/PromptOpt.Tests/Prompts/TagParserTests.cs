using PromptOpt.Prompts;

namespace PromptOpt.Tests.Prompts;

public class TagParserTests
{
    [Theory]
    [InlineData("<prompt>Hello</prompt>", "Hello")]
    [InlineData("Sure!\n<PROMPT>\n  Hello\n</Prompt>\nThanks", "Hello")]
    [InlineData("< prompt >Hello</ prompt >", "Hello")]
    [InlineData("<prompt id=\"1\">Hello</prompt>", "Hello")]
    [InlineData("Here: <prompt>Hello and more", "Hello and more")]
    [InlineData("<prompt>echo of template</prompt> then <prompt>Real</prompt>", "Real")]
    public void Extract_TolerantForms_ReturnsContent(string reply, string expected)
    {
        Assert.Equal(expected, TagParser.Extract(reply, "prompt"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no tags at all")]
    [InlineData("<prompt></prompt>")]
    [InlineData("<prompts>wrong tag</prompts>")]
    public void Extract_MissingOrEmpty_ReturnsNull(string reply)
    {
        Assert.Null(TagParser.Extract(reply, "prompt"));
    }

    [Fact]
    public void ExtractAll_SeveralBlocksAndUnclosedOne_ReturnsEachInOrder()
    {
        var items = TagParser.ExtractAll("<reason>a</reason>\n<reason>b\n<reason> c </reason>", "reason");
        Assert.Equal(["a", "b", "c"], items);
    }

    [Fact]
    public void ParseNumberedList_Items_ReturnsItemsWithContinuations()
    {
        var items = TagParser.ParseNumberedList("Variants:\n1. First one\n   continues here\n2) Second\n\n3. Third");
        Assert.Equal(["First one\ncontinues here", "Second", "Third"], items);
    }
}
