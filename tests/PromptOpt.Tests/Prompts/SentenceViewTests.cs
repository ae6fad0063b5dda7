using System.Text.Json;
using PromptOpt.Prompts;

namespace PromptOpt.Tests.Prompts;

public class SentenceViewTests
{
    public static TheoryData<string> RoundTripCases => new()
    {
        string.Empty,
        "   ",
        "One sentence.",
        "No final punctuation",
        "First. Second! Third? Fourth.",
        "  Leading spaces. Trailing spaces.   ",
        "Use e.g. this, i.e. that. Dr. Smith agrees. Pi is 3.14 and e is 2.718.",
        "## Task type\nThis is a task.\n\n## Tips\n- Tip one. Tip two.\n- Tip three\n",
        "1. Read the input.\n2. Work through it step by step.\n3) Answer.\n\n\nDone.",
        "Line one\r\nLine two.\r\n\r\nLine three.",
        "Question: {question}\nAnswer:",
        "Say \"yes.\" Then stop. (Really.) Next",
        "Tabs\tinside. And\tmore.\t\n\t- bullet",
        "Ellipsis... and more. The U.S. Army. A. Smith wrote it.",
        "* star bullet. ** bold **. + plus bullet\n• dot bullet.",
        "Trailing newline only\n",
        "\n\nLeading newlines.",
        "What?! Really?? Yes.",
        "Values: 1.5, 2.25. Done.",
        "Ends with abbreviation etc.",
    };

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void Join_AnyText_IsByteIdentical(string text)
    {
        Assert.Equal(text, SentenceView.Parse(text).Join());
    }

    [Fact]
    public void Join_DatasetInputsAndGeneratedText_IsByteIdentical()
    {
        var texts = new List<string>();
        var root = FindDatasets();
        if (root is not null)
        {
            foreach (var file in Directory.EnumerateFiles(root, "train.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                foreach (var line in File.ReadLines(file).Take(40))
                {
                    using var doc = JsonDocument.Parse(line);
                    texts.Add(doc.RootElement.GetProperty("input").GetString()!);
                }
            }
        }

        var rng = new Random(3);
        string[] pieces = [".", " ", "\n", "e.g.", "3.14", "- ", "1. ", "# ", "Dr.", "?", "!", "\"", ")", "word", "Word", "\t", "\r\n", "{question}", "..."];
        for (int i = 0; i < 2000; i++)
        {
            texts.Add(string.Concat(Enumerable.Range(0, rng.Next(0, 30)).Select(_ => pieces[rng.Next(pieces.Length)])));
        }

        foreach (var text in texts)
        {
            var view = SentenceView.Parse(text);
            Assert.Equal(text, view.Join());
            Assert.All(view.Sentences, s => Assert.NotEqual(0, s.Text.Length));
        }
    }

    [Fact]
    public void Parse_AbbreviationsAndDecimals_DoNotSplit()
    {
        var view = SentenceView.Parse("Use e.g. a list, i.e. items. Dr. Who measured 3.14 units. Done.");
        Assert.Equal(["Use e.g. a list, i.e. items.", "Dr. Who measured 3.14 units.", "Done."], view.Sentences.Select(s => s.Text));
    }

    [Fact]
    public void Parse_ListsHeadersAndPlaceholder_SplitsAndFlags()
    {
        var view = SentenceView.Parse("## Steps\n1. Read it. Then think.\n2. Answer.\n\nQuestion: {question}");
        Assert.Equal(["## Steps", "1. Read it.", "Then think.", "2. Answer.", "Question: {question}"], view.Sentences.Select(s => s.Text));
        Assert.False(view[0].Editable);
        Assert.True(view[1].Editable);
        Assert.False(view[4].Editable);
        Assert.Equal("\n\n", view[3].Separator);
        Assert.Equal([1, 2, 3], view.EditableIndices);
    }

    [Fact]
    public void WithSentence_ReplacesTextAndKeepsSeparatorsAndWeights()
    {
        var view = SentenceView.Parse("First one.  Second one.\n\nThird.").WithLogWeight(1, 0.5);
        var edited = view.WithSentence(1, "  A new second sentence!  ");
        Assert.Equal("First one.  A new second sentence!\n\nThird.", edited.Join());
        Assert.Equal(0.5, edited[1].LogWeight);
        Assert.Equal(0, edited[0].LogWeight);
    }

    private static string? FindDatasets()
    {
        foreach (var candidate in new[] { "/work/shared/datasets", Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/datasets") })
        {
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
