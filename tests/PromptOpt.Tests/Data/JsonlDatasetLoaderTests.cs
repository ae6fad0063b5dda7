using System.Text;
using PromptOpt.Data;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Data;

public sealed class JsonlDatasetLoaderTests : IDisposable
{
    private const string Good1 = """{"id": "a1", "input": "Is the sky blue?", "target": "Yes", "choices": ["Yes", "No"], "meta": {"source_index": 7}}""";
    private const string Good2 = """{"id": "a2", "input": "Is grass red?", "target": "No", "choices": ["Yes", "No"]}""";
    private const string Good3 = """{"id": "a3", "input": "Is snow white?", "target": "Yes", "choices": ["Yes", "No"]}""";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void LoadDirectory_TrainDevTest_LoadsAllSplitsWithFields()
    {
        _temp.WriteLines("ds/train.jsonl", Good1, Good2);
        _temp.WriteLines("ds/dev.jsonl", """{"id": "d1", "input": "Is coal black?", "target": "Yes", "choices": ["Yes", "No"]}""");
        _temp.WriteLines("ds/test.jsonl", Good3);

        var ds = JsonlDatasetLoader.Load(Path.Combine(_temp.Path, "ds"));

        Assert.Equal("ds", ds.Name);
        Assert.Equal(["a1", "a2"], ds.Train.Select(e => e.Id));
        Assert.Equal(["d1"], ds.Dev.Select(e => e.Id));
        Assert.Equal(["a3"], ds.Test.Select(e => e.Id));
        var first = ds.Train[0];
        Assert.Equal("Is the sky blue?", first.Input);
        Assert.Equal("Yes", first.Target);
        Assert.Equal(["Yes", "No"], first.Choices!);
        Assert.Equal(7, first.Meta!["source_index"].GetInt32()); // the JsonElement outlives its document
        Assert.Null(ds.Train[1].Meta);
    }

    [Fact]
    public void LoadDirectory_NoDevFile_DevIsEmpty()
    {
        _temp.WriteLines("ds/train.jsonl", Good1);
        _temp.WriteLines("ds/test.jsonl", Good2);

        var ds = JsonlDatasetLoader.LoadDirectory(Path.Combine(_temp.Path, "ds"));

        Assert.Empty(ds.Dev);
        Assert.Single(ds.Train);
        Assert.Single(ds.Test);
    }

    [Fact]
    public void Load_BlankLinesAndBom_AreSkippedAndLineNumbersStillCount()
    {
        var path = Path.Combine(_temp.Path, "data.jsonl");
        File.WriteAllText(path, Good1 + "\n\n   \n" + Good2 + "\n" + Good3 + "\n{\"id\": 5}\n", new UTF8Encoding(true));

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.Load(path));

        Assert.StartsWith($"{path}:6: ", ex.Message);
        Assert.Equal(6, ex.LineNumber);
    }

    [Fact]
    public void LoadFile_TenExamples_SplitsFiftyFiftyDisjointInFileOrder()
    {
        var path = WriteNumbered("all.jsonl", 10);

        var ds = JsonlDatasetLoader.LoadFile(path, new JsonlLoadOptions { Seed = 1 });

        Assert.Equal("all", ds.Name);
        Assert.Equal(5, ds.Train.Count);
        Assert.Equal(5, ds.Test.Count);
        Assert.Empty(ds.Dev);
        var all = ds.Train.Concat(ds.Test).Select(e => e.Id).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"q{i:D2}"), all);
        Assert.Equal(ds.Train.Select(e => e.Id).Order(StringComparer.Ordinal), ds.Train.Select(e => e.Id)); // file order kept
        Assert.Equal(ds.Test.Select(e => e.Id).Order(StringComparer.Ordinal), ds.Test.Select(e => e.Id));
    }

    [Fact]
    public void LoadFile_SameSeed_SameSplit_DifferentSeed_DifferentSplit()
    {
        var path = WriteNumbered("all.jsonl", 20);

        var a = JsonlDatasetLoader.LoadFile(path, new JsonlLoadOptions { Seed = 1 });
        var b = JsonlDatasetLoader.LoadFile(path, new JsonlLoadOptions { Seed = 1 });
        var c = JsonlDatasetLoader.LoadFile(path, new JsonlLoadOptions { Seed = 2 });

        Assert.Equal(a.Test.Select(e => e.Id), b.Test.Select(e => e.Id));
        Assert.NotEqual(a.Test.Select(e => e.Id), c.Test.Select(e => e.Id));
    }

    [Fact]
    public void LoadFile_TestFraction_SetsTestSize()
    {
        var path = WriteNumbered("all.jsonl", 10);

        var ds = JsonlDatasetLoader.LoadFile(path, new JsonlLoadOptions { TestFraction = 0.2 });

        Assert.Equal(8, ds.Train.Count);
        Assert.Equal(2, ds.Test.Count);
    }

    [Fact]
    public void LoadFile_TestFractionOutOfRange_Throws()
    {
        var path = WriteNumbered("all.jsonl", 10);

        Assert.Throws<ArgumentOutOfRangeException>(() => JsonlDatasetLoader.LoadFile(path, new JsonlLoadOptions { TestFraction = 1 }));
    }

    [Fact]
    public void LoadFile_OneExample_ThrowsCannotSplit()
    {
        var path = _temp.WriteLines("one.jsonl", Good1);

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.LoadFile(path));

        Assert.Equal($"{path}:1: expected at least 2 examples to split into train and test, found 1", ex.Message);
    }

    [Fact]
    public void Load_UnknownFieldIgnoredWhenAsked_Loads()
    {
        var path = _temp.WriteLines("x.jsonl", Good1, """{"id": "b", "input": "q", "target": "t", "label": 1}""");

        var ds = JsonlDatasetLoader.LoadFile(path, new JsonlLoadOptions { IgnoreUnknownFields = true });

        Assert.Equal(2, ds.All.Count());
    }

    public static TheoryData<string, int, string> BadLines => new()
    {
        { """{"id": "b", "input": "q", """, 2, "expected one JSON object per line, found invalid JSON" },
        { """["id", "input"]""", 2, "expected a JSON object, found an array" },
        { """{"input": "q", "target": "t"}""", 2, "expected the required field \"id\" (a non-empty string), but it is missing" },
        { """{"id": "b", "target": "t"}""", 2, "expected the required field \"input\" (a non-empty string), but it is missing" },
        { """{"id": "b", "input": "q"}""", 2, "expected the required field \"target\" (a non-empty string), but it is missing" },
        { """{"id": "b", "input": "  ", "target": "t"}""", 2, "expected \"input\" to be a non-empty string, found an empty one" },
        { """{"id": "", "input": "q", "target": "t"}""", 2, "expected \"id\" to be a non-empty string, found an empty one" },
        { """{"id": "b", "input": "q", "target": 5}""", 2, "expected \"target\" to be a string, found a number" },
        { """{"id": 3, "input": "q", "target": "t"}""", 2, "expected \"id\" to be a string, found a number" },
        { """{"id": "b", "input": "q", "target": "t", "choices": "t"}""", 2, "expected \"choices\" to be an array of strings, found a string" },
        { """{"id": "b", "input": "q", "target": "t", "choices": ["t", 1]}""", 2, "expected \"choices\" to be an array of strings, found a number at position 2" },
        { """{"id": "b", "input": "q", "target": "t", "choices": []}""", 2, "expected \"choices\" to hold at least one string, found an empty array" },
        { """{"id": "b", "input": "q", "target": "(F)", "choices": ["(A)", "(B)"]}""", 2, "expected \"target\" to be one of the choices [(A), (B)], found \"(F)\"" },
        { """{"id": "b", "input": "q", "target": "t", "meta": [1]}""", 2, "expected \"meta\" to be an object, found an array" },
        { """{"id": "b", "input": "q", "target": "t", "taget": "t"}""", 2, "unexpected field \"taget\" (expected only id, input, target, choices, meta; put anything else in meta)" },
        { """{"id": "a1", "input": "q", "target": "t"}""", 2, "expected a unique \"id\", but \"a1\" was already used at bad.jsonl:1" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Load_BadLine_ThrowsOneLineMessageWithFileAndLine(string badLine, int line, string expected)
    {
        var path = _temp.WriteLines("bad.jsonl", Good1, badLine, Good2);

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.ReadExamples(path));

        Assert.StartsWith($"{path}:{line}: {expected}", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(path, ex.FilePath);
        Assert.Equal(line, ex.LineNumber);
        Assert.IsAssignableFrom<PromptOptInputException>(ex);
    }

    [Fact]
    public void Load_InvalidJson_NamesTheColumn()
    {
        var path = _temp.WriteLines("bad.jsonl", """{"id": "b" "input": "q"}""");

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.ReadExamples(path));

        Assert.Equal($"{path}:1: expected one JSON object per line, found invalid JSON at column 12", ex.Message);
    }

    [Fact]
    public void Load_EmptyFile_Throws()
    {
        var path = _temp.Write("empty.jsonl", "\n  \n");

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.Load(path));

        Assert.Equal($"{path}:1: expected one JSON object per line, found an empty file", ex.Message);
    }

    [Fact]
    public void LoadDirectory_EmptyTestFile_Throws()
    {
        _temp.WriteLines("ds/train.jsonl", Good1);
        var test = _temp.Write("ds/test.jsonl", string.Empty);

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.Load(Path.Combine(_temp.Path, "ds")));

        Assert.Equal($"{test}:1: expected one JSON object per line, found an empty file", ex.Message);
    }

    [Fact]
    public void LoadDirectory_DuplicateIdAcrossSplits_NamesBothPlaces()
    {
        _temp.WriteLines("ds/train.jsonl", Good1, Good2);
        var test = _temp.WriteLines("ds/test.jsonl", Good3, """{"id": "a2", "input": "Other?", "target": "No"}""");

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.Load(Path.Combine(_temp.Path, "ds")));

        Assert.Equal($"{test}:2: expected a unique \"id\", but \"a2\" was already used at train.jsonl:2", ex.Message);
    }

    [Fact]
    public void Load_MissingPath_ThrowsNotFound()
    {
        var path = Path.Combine(_temp.Path, "nope.jsonl");

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.Load(path));

        Assert.Equal($"{path}: file or directory not found", ex.Message);
        Assert.Null(ex.LineNumber);
    }

    [Fact]
    public void LoadDirectory_WithoutTestFile_NamesTheMissingFile()
    {
        _temp.WriteLines("ds/train.jsonl", Good1);
        var dir = Path.Combine(_temp.Path, "ds");

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.Load(dir));

        Assert.Equal($"{dir}: expected a dataset directory with train.jsonl and test.jsonl (and optionally dev.jsonl), but test.jsonl is missing", ex.Message);
    }

    [Fact]
    public void LoadDirectory_EmptyDirectory_NamesBothMissingFiles()
    {
        var dir = Path.Combine(_temp.Path, "empty");
        Directory.CreateDirectory(dir);

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.Load(dir));

        Assert.EndsWith("but train.jsonl and test.jsonl are missing", ex.Message);
    }

    private string WriteNumbered(string name, int count) =>
        _temp.WriteLines(name, Enumerable.Range(0, count).Select(i => $$"""{"id": "q{{i:D2}}", "input": "question {{i}}", "target": "{{i}}"}""").ToArray());

    [Fact]
    public void LoadFile_InvalidUtf8OnALine_ThrowsNamingFileLineAndByteOffset()
    {
        var path = _temp.WriteLines("d.jsonl", Good1, Good2);
        var bytes = File.ReadAllBytes(path).ToList();
        int lineStart = Encoding.UTF8.GetByteCount(Good1 + "\n");
        var bad = Encoding.UTF8.GetBytes("""{"id": "c1", "input": "caf""").Concat(new byte[] { 0xE9, 0x20, 0xFF, 0xFE }).Concat(Encoding.UTF8.GetBytes("\", \"target\": \"Yes\"}\n")).ToArray();
        bytes.InsertRange(lineStart, bad);
        File.WriteAllBytes(path, bytes.ToArray());

        var ex = Assert.Throws<DataFormatException>(() => JsonlDatasetLoader.LoadFile(path));

        Assert.Equal(2, ex.LineNumber);
        int offset = lineStart + Encoding.UTF8.GetByteCount("""{"id": "c1", "input": "caf""");
        Assert.Contains($"at byte offset {offset} of the file", ex.Message);
        Assert.Contains("0xE9", ex.Message);
        Assert.StartsWith(path + ":2:", ex.Message);
    }

    [Fact]
    public void LoadFile_Utf8WithBomAndCrLf_ReadsText()
    {
        var path = Path.Combine(_temp.Path, "bom.jsonl");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Good1 + "\r\n" + Good2.Replace("grass", "café", StringComparison.Ordinal) + "\r\n")]);

        var ds = JsonlDatasetLoader.LoadFile(path);

        Assert.Contains(ds.Train.Concat(ds.Test), e => e.Input == "Is café red?");
    }

    [Theory]
    [InlineData("navigate/test.jsonl", "navigate")]
    [InlineData("navigate/TRAIN.jsonl", "navigate")]
    [InlineData("data/navigate.test.jsonl", "navigate")]
    [InlineData("data/navigate_dev.jsonl", "navigate")]
    [InlineData("data/navigate-test.jsonl", "navigate")]
    [InlineData("data/contest.jsonl", "contest")]
    [InlineData("data/all.jsonl", "all")]
    public void LoadFile_Name_IsFolderOrStemBeforeTheSplitName(string relative, string expected)
    {
        var path = _temp.WriteLines(relative, Good1, Good2);

        Assert.Equal(expected, JsonlDatasetLoader.LoadFile(path).Name);
    }
}
