using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation.Metrics;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Data;

public sealed class TaskCatalogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Resolve_BuiltInName_GeneratesTaskWithSkills()
    {
        var task = TaskCatalog.Resolve("navigate", 3);

        Assert.Equal("navigate", task.Name);
        Assert.Equal(BuiltInTasks.Create("navigate", 3).Dataset.Fingerprint, task.Dataset.Fingerprint);
        Assert.NotEmpty(task.Skills);
    }

    [Fact]
    public void Resolve_BuiltInWithSizes_UsesThem()
    {
        var task = TaskCatalog.Resolve("word_sorting", 3, new TaskResolveOptions { TrainSize = 7, TestSize = 9 });

        Assert.Equal(7, task.Dataset.Train.Count);
        Assert.Equal(9, task.Dataset.Test.Count);
    }

    [Fact]
    public void Resolve_Directory_UsesReadmeInstructionAndChoiceMetric()
    {
        _temp.WriteLines("yesno/train.jsonl", """{"id": "1", "input": "a", "target": "Yes", "choices": ["Yes", "No"]}""");
        _temp.WriteLines("yesno/test.jsonl", """{"id": "2", "input": "b", "target": "No", "choices": ["Yes", "No"]}""");
        _temp.Write("yesno/README.md", "# yesno\n\n**Task instruction (own words):** Say whether it holds (Yes/No).\n");

        var task = TaskCatalog.Resolve(Path.Combine(_temp.Path, "yesno"), 0);

        Assert.Equal("yesno", task.Name);
        Assert.Equal("Say whether it holds (Yes/No).", task.DefaultInstruction);
        Assert.IsType<ChoiceMetric>(task.Metric);
        Assert.Equal("Answer with only one of the options (Yes, No) inside <answer></answer> tags.", task.AnswerFormat);
        Assert.Empty(task.Skills);
    }

    [Fact]
    public void Resolve_DirectoryWithoutReadme_UsesGenericInstruction()
    {
        _temp.WriteLines("mc/train.jsonl", """{"id": "1", "input": "a", "target": "(A)", "choices": ["(A)", "(B)"]}""");
        _temp.WriteLines("mc/test.jsonl", """{"id": "2", "input": "b", "target": "(B)", "choices": ["(A)", "(B)"]}""");

        var task = TaskCatalog.Resolve(Path.Combine(_temp.Path, "mc"), 0);

        Assert.Equal("Answer the multiple-choice question by choosing the correct option.", task.DefaultInstruction);
        Assert.Equal("Answer with only the option letter, such as (A), inside <answer></answer> tags.", task.AnswerFormat);
    }

    [Fact]
    public void Resolve_JsonlFile_SplitsBySeed()
    {
        var file = _temp.WriteLines("sums.jsonl", Enumerable.Range(0, 8).Select(i => $$"""{"id": "s{{i}}", "input": "{{i}} {{i}}", "target": "{{2 * i}}"}""").ToArray());

        var a = TaskCatalog.Resolve(file, 1);
        var b = TaskCatalog.Resolve(file, 1);

        Assert.Equal("sums", a.Name);
        Assert.Equal(4, a.Dataset.Test.Count);
        Assert.Equal(a.Dataset.Fingerprint, b.Dataset.Fingerprint);
        Assert.IsType<NumericMetric>(a.Metric);
        Assert.Equal("Answer with only the final number inside <answer></answer> tags.", a.AnswerFormat);
    }

    [Fact]
    public void Resolve_UnknownName_ThrowsListingBuiltIns()
    {
        var ex = Assert.Throws<PromptOptInputException>(() => TaskCatalog.Resolve("sudoku", 0));

        Assert.IsNotType<DataFormatException>(ex);
        Assert.StartsWith("unknown task \"sudoku\"", ex.Message);
        Assert.All(BuiltInTasks.Names, n => Assert.Contains(n, ex.Message));
    }

    [Fact]
    public void Resolve_MissingJsonl_ThrowsDataFormat()
    {
        var path = Path.Combine(_temp.Path, "missing.jsonl");

        var ex = Assert.Throws<DataFormatException>(() => TaskCatalog.Resolve(path, 0));

        Assert.Equal($"{path}: file or directory not found", ex.Message);
    }

    [Fact]
    public void Resolve_BareNameUnderDatasetsRoot_LoadsIt()
    {
        _temp.WriteLines("root/tiny/train.jsonl", """{"id": "1", "input": "a", "target": "x"}""");
        _temp.WriteLines("root/tiny/test.jsonl", """{"id": "2", "input": "b", "target": "y"}""");

        var task = TaskCatalog.Resolve("tiny", 0, new TaskResolveOptions { DatasetsRoot = Path.Combine(_temp.Path, "root") });

        Assert.Equal("tiny", task.Name);
        Assert.IsType<ExactMatchMetric>(task.Metric);
    }

    [Fact]
    public void InferMetric_AnswersSet_IsSetMatch()
    {
        var ds = new Dataset("d", [MetricData("1", "cat, dog", """{"answers_set": ["cat", "dog"]}""")], [], [MetricData("2", "cow", """{"answers_set": ["cow"]}""")]);

        Assert.IsType<SetMatchMetric>(DatasetTasks.InferMetric(ds));
        Assert.Equal("Answer with only the items, separated by commas, inside <answer></answer> tags.", DatasetTasks.AnswerFormatFor(ds, SetMatchMetric.Instance));
    }

    [Fact]
    public void InferMetric_FreeTextWithAnswers_IsExactMatch()
    {
        var ds = new Dataset("d", [MetricData("1", "gram", """{"answers": ["gram", "ham"]}""")], [], [MetricData("2", "vet", null)]);

        Assert.IsType<ExactMatchMetric>(DatasetTasks.InferMetric(ds));
        Assert.Equal("Answer with only the answer inside <answer></answer> tags.", DatasetTasks.AnswerFormatFor(ds, ExactMatchMetric.Instance));
    }

    private static Example MetricData(string id, string target, string? meta) => Evaluation.MetricTestData.Free(target, meta) with { Id = id };
}
