using PromptOpt.Data;
using PromptOpt.Evaluation.Metrics;
using PromptOpt.Optimizers.MetaSpo;
using PromptOpt.Prompts;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Optimizers.MetaSpo;

public class TaskSuiteLoaderTests
{
    private static TaskSuite Parse(string yaml, TaskSuiteLoadOptions? options = null) =>
        TaskSuiteLoader.Parse(yaml.ReplaceLineEndings("\n"), "suite.yaml", Path.GetTempPath(), options);

    private static TaskSuiteException Fails(string yaml) => Assert.Throws<TaskSuiteException>(() => Parse(yaml));

    [Fact]
    public void Parse_FullShape_ReadsEveryKey()
    {
        var suite = Parse("""
            name: mine
            description: two tasks
            domain: math
            source:
              - task: multistep_arithmetic
                name: arith
                metric: numeric
                prompt: "Compute it. {question} Answer inside <answer></answer> tags."
              - task: word_sorting
                domain: words
                instruction: Sort them.
                answer_format: Answer with the words only.
              - navigate
            unseen:
              - dataset: some/dir
            """);
        Assert.Equal("mine", suite.Name);
        Assert.Equal("two tasks", suite.Description);
        Assert.Equal(3, suite.Source.Count);
        var a = suite.Source[0];
        Assert.Equal(("multistep_arithmetic", "arith", "math", "numeric"), (a.BuiltIn, a.Name, a.Domain, a.Metric));
        Assert.Equal((5, 5), (a.Line, a.Column));
        Assert.Equal(("words", "Sort them.", "Answer with the words only."), (suite.Source[1].Domain, suite.Source[1].Instruction, suite.Source[1].AnswerFormat));
        Assert.Equal("navigate", suite.Source[2].BuiltIn);
        Assert.Equal(TaskSuiteRole.Unseen, suite.Unseen[0].Role);
        Assert.Equal("some/dir", suite.Unseen[0].Dataset);
    }

    [Fact]
    public void Parse_TypoInSuiteKey_OneLineWithFileLineAndKey()
    {
        var ex = Fails("""
            name: x
            soruce:
              - navigate
            """);
        Assert.StartsWith("suite.yaml:2:1: unknown key 'soruce'", ex.Message);
        Assert.Contains("did you mean 'source'?", ex.Message);
        Assert.Equal(2, ex.Line);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.IsAssignableFrom<PromptOptInputException>(ex);
    }

    [Fact]
    public void Parse_TypoInTaskKey_PointsAtTheKey()
    {
        var ex = Fails("""
            source:
              - task: navigate
                metrc: choice
            """);
        Assert.StartsWith("suite.yaml:3:5: unknown key 'metrc' in the task", ex.Message);
        Assert.Contains("did you mean 'metric'?", ex.Message);
    }

    [Theory]
    [InlineData("source: [navigate\n", "suite.yaml:", "invalid YAML")]
    [InlineData("name: x\n", "suite.yaml:1:1:", "missing 'source:'")]
    [InlineData("source: []\n", "suite.yaml:1:9:", "at least one task")]
    [InlineData("source: navigate\n", "suite.yaml:1:9:", "must be a list")]
    [InlineData("source:\n  - name: x\n", "suite.yaml:2:5:", "needs 'task:'")]
    [InlineData("source:\n  - task: navigate\n    dataset: d\n", "suite.yaml:2:5:", "not both")]
    [InlineData("source:\n  - task: navigate\n    prompt: no placeholder here\n", "suite.yaml:3:13:", "{question}")]
    [InlineData("source:\n  - task: navigate\n    metric: bleu\n", "suite.yaml:3:13:", "unknown metric")]
    [InlineData("source:\n  - task: navigate\n    instruction: 'Do {question}'\n", "suite.yaml:3:18:", "use 'prompt:'")]
    [InlineData("source:\n  - task: [a, b]\n", "suite.yaml:2:11:", "single value")]
    [InlineData("- navigate\n", "suite.yaml:1:1:", "expected a mapping")]
    public void Parse_Malformed_OneLineMessageWithPlace(string yaml, string prefix, string expected)
    {
        var ex = Fails(yaml);
        Assert.StartsWith(prefix, ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Resolve_UnknownBuiltIn_NamesTheEntryLine()
    {
        var suite = Parse("source:\n  - navigate\n  - task: navigaet\n");
        var ex = Assert.Throws<TaskSuiteException>(() => suite.Resolve(1));
        Assert.StartsWith("suite.yaml:3:5: unknown built-in task 'navigaet'", ex.Message);
    }

    [Fact]
    public void Resolve_MissingDataset_NamesTheEntryLine()
    {
        var suite = Parse("source:\n  - dataset: no/such/dataset\n");
        var ex = Assert.Throws<TaskSuiteException>(() => suite.Resolve(1));
        Assert.StartsWith("suite.yaml:2:5: dataset 'no/such/dataset' not found", ex.Message);
    }

    [Fact]
    public void Resolve_DuplicateNames_AreAnError()
    {
        var suite = Parse("source:\n  - navigate\nunseen:\n  - navigate\n");
        var ex = Assert.Throws<TaskSuiteException>(() => suite.Resolve(1));
        Assert.StartsWith("suite.yaml:4:5: task name 'navigate' is used twice (also on line 2)", ex.Message);
    }

    [Fact]
    public void Resolve_Datasets_RelativeToTheFileOrUnderTheRoot()
    {
        using var dir = new TempDirectory();
        string Line(int i, string split) => $$"""{"id": "{{split}}-{{i}}", "input": "Is {{i}} even?", "target": "{{(i % 2 == 0 ? "Yes" : "No")}}", "choices": ["Yes", "No"]}""";
        foreach (var name in new[] { "data/parity", "root/parity2" })
        {
            dir.WriteLines(name + "/train.jsonl", Enumerable.Range(0, 10).Select(i => Line(i, "train")).ToArray());
            dir.WriteLines(name + "/test.jsonl", Enumerable.Range(10, 10).Select(i => Line(i, "test")).ToArray());
        }

        var file = dir.Write("suites/s.yaml", """
            domain: toy
            datasets_root: ../root
            source:
              - dataset: ../data/parity
                metric: macro_f1
                prompt: "Is it even? {question} Answer <answer>Yes</answer> or <answer>No</answer>."
            unseen:
              - dataset: parity2
                name: other
                domain: toy2
            """);
        var resolved = TaskSuiteLoader.Load(file).Resolve(1);
        var src = Assert.Single(resolved.Source);
        Assert.Equal(("parity", "toy", "macro_f1", 10), (src.Name, src.Domain, src.Metric.Name, src.Dataset.Train.Count));
        Assert.Equal("Is it even? {question} Answer <answer>Yes</answer> or <answer>No</answer>.", MetaSpoPrompts.InitialUserPrompt(src));
        Assert.Equal(src.InitialUserPrompt, MetaSpoPrompts.InitialUserPrompt(src));
        Assert.DoesNotContain(Prompt.QuestionPlaceholder, src.DefaultInstruction); // the one-line instruction stays one line
        var unseen = Assert.Single(resolved.Unseen);
        Assert.Equal(("other", "toy2"), (unseen.Name, unseen.Domain));
        var user = MetaSpoPrompts.InitialUserPrompt(unseen);
        Assert.Contains(unseen.DefaultInstruction, user);
        Assert.Contains(Prompt.QuestionPlaceholder, user);
        Assert.EndsWith(unseen.AnswerFormat, user);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var ex = Assert.Throws<TaskSuiteException>(() => TaskSuiteLoader.Load("no-such-suite.yaml"));
        Assert.StartsWith("no-such-suite.yaml: cannot read the suite file", ex.Message);
    }

    [Fact]
    public void ShippedBuiltInSuite_FourSourceTwoUnseen()
    {
        var suite = MetaSpoFixture.BuiltInSuite();
        Assert.Equal(["multistep_arithmetic", "boolean_expressions", "date_arithmetic", "word_sorting"], suite.Source.Select(t => t.Name));
        Assert.Equal(["object_counting", "navigate"], suite.Unseen.Select(t => t.Name));
        Assert.All(suite.All, t =>
        {
            Assert.Equal("reasoning", t.Domain);
            var user = MetaSpoPrompts.InitialUserPrompt(t);
            Assert.Contains(Prompt.QuestionPlaceholder, user);
            Assert.Contains(t.AnswerFormat, user);
        });
    }

    [Theory]
    [InlineData("review.yaml", 4, 3, "choice", "review")]
    [InlineData("reasoning.yaml", 4, 3, null, "reasoning")]
    [InlineData("safety.yaml", 2, 1, "macro_f1", "safety")]
    public void ShippedDatasetSuites_ResolveFromTheRepositoryLayout(string file, int source, int unseen, string? metric, string domain)
    {
        var path = MetaSpoFixture.Example(Path.Combine("suites", file));
        var suite = TaskSuiteLoader.Load(path);
        var shared = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "..", "shared", "datasets"));
        if (!Directory.Exists(shared))
        {
            return; // the shared datasets live next to the repository only on the project machines
        }

        var resolved = suite.Resolve(1);
        Assert.Equal((source, unseen), (resolved.Source.Count, resolved.Unseen.Count));
        Assert.All(resolved.All, t =>
        {
            Assert.Equal(domain, t.Domain);
            Assert.True(t.Dataset.Train.Count >= 50);
            Assert.Contains(Prompt.QuestionPlaceholder, MetaSpoPrompts.InitialUserPrompt(t));
            if (metric is not null)
            {
                Assert.Equal(metric, t.Metric.Name);
            }
        });
        Assert.Equal(MetricCatalog.Create(metric ?? resolved.Source[0].Metric.Name).Name, resolved.Source[0].Metric.Name);
    }
}
