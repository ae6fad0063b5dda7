using PromptOpt.Optimizers;
using PromptOpt.Storage;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Optimizers;

public class RunSpecTests
{
    private const string Full = """
        # every key
        method: dual-phase
        task: multistep_arithmetic
        task-model: sim
        optimizer-model: openai:gpt-4o-mini
        agent-model: sim:agent
        seed: 7
        run-id: my-run
        train-size: 30
        test-size: 100
        budget:
          task-calls: 1500
          optimizer-calls: 60
          tokens: 1000000
          dollars: 1.25
        options:
          max-steps: 4
          sampling: softmax
        """;

    [Fact]
    public void Parse_EveryKey_ReadsEveryValue()
    {
        var spec = RunSpecLoader.Parse(Full, "spec.yaml", "/base");

        Assert.Equal("dual-phase", spec.Method);
        Assert.Equal("multistep_arithmetic", spec.Task);
        Assert.Equal("sim", spec.TaskModel);
        Assert.Equal("openai:gpt-4o-mini", spec.OptimizerModel);
        Assert.Equal("sim:agent", spec.AgentModel);
        Assert.Equal(7, spec.Seed);
        Assert.Equal("my-run", spec.RunId);
        Assert.Equal(30, spec.TrainSize);
        Assert.Equal(100, spec.TestSize);
        Assert.Equal(new RunSpecBudget { TaskCalls = 1500, OptimizerCalls = 60, Tokens = 1_000_000, Dollars = 1.25m }, spec.Budget);
        Assert.Equal(new Dictionary<string, string> { ["max-steps"] = "4", ["sampling"] = "softmax" }, spec.Options);
        var budget = spec.ToBudget();
        Assert.Equal(1500, budget.MaxTaskCalls);
        Assert.Equal(1.25m, budget.MaxDollars);
    }

    [Fact]
    public void Parse_SuiteAndEnvironment_SuiteIsResolvedAgainstTheSpecDirectory()
    {
        var spec = RunSpecLoader.Parse("method: metaspo\nsuite: suites/s.yaml\nenv: bandit-hard\nsteps: 50\n", "spec.yaml", "/base/examples");

        Assert.Equal(Path.GetFullPath("/base/examples/suites/s.yaml"), spec.Suite);
        Assert.Equal("bandit-hard", spec.Environment);
        Assert.Equal(50, spec.Steps);
    }

    [Theory]
    [InlineData("method: dual-phase\noptimiser-model: sim\n", 2, "unknown key 'optimiser-model' in the run spec; did you mean 'optimizer-model'?")]
    [InlineData("task_model: sim\n", 1, "did you mean 'task-model'?")]
    [InlineData("method: ape\nbudget:\n  task-call: 5\n", 3, "unknown key 'task-call' in the budget; did you mean 'task-calls'?")]
    [InlineData("seeds: 3\n", 1, "did you mean 'seed'?")]
    public void Parse_TypoKey_NamesFileLineAndNearestKey(string yaml, int line, string expected)
    {
        var ex = Assert.Throws<RunSpecException>(() => RunSpecLoader.Parse(yaml, "examples/x.yaml", "/"));

        Assert.StartsWith($"examples/x.yaml:{line}: ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.Equal(line, ex.Line);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Parse_ATaskSuiteFile_SaysToReferenceItWithSuite()
    {
        var ex = Assert.Throws<RunSpecException>(() => RunSpecLoader.Parse("name: s\nsource:\n  - task: navigate\n", "suite.yaml", "/"));

        Assert.StartsWith("suite.yaml:2: this is a MetaSPO task suite, not a run spec; point a run spec at it with 'suite: <file>'", ex.Message);
    }

    [Fact]
    public void Parse_UnrelatedKey_ListsTheValidKeys()
    {
        var ex = Assert.Throws<RunSpecException>(() => RunSpecLoader.Parse("flavour: vanilla\n", "s.yaml", "/"));

        Assert.Contains("valid keys: method, task, task-model", ex.Message);
    }

    [Theory]
    [InlineData("seed: abc\n", "s.yaml:1: 'seed' expects an integer, got 'abc'")]
    [InlineData("method: ape\ntrain-size: 0\n", "s.yaml:2: 'train-size' expects an integer of at least 1, got '0'")]
    [InlineData("budget:\n  dollars: lots\n", "s.yaml:2: 'dollars' expects a number of dollars")]
    [InlineData("budget: 5\n", "s.yaml:1: 'budget' expects a mapping of limits")]
    [InlineData("options:\n  steps: [1, 2]\n", "s.yaml:2: option 'steps' expects a single value, not a list")]
    [InlineData("method:\n  - ape\n", "s.yaml:2: 'method' expects a single value, not a list")]
    [InlineData("method:\n", "s.yaml:1: 'method' has no value")]
    [InlineData("- method\n", "s.yaml:1: expected a mapping of keys")]
    [InlineData("method: [unclosed\n", "s.yaml:")]
    public void Parse_BadValue_IsOneLineErrorWithTheLine(string yaml, string expected)
    {
        var ex = Assert.Throws<RunSpecException>(() => RunSpecLoader.Parse(yaml, "s.yaml", "/"));

        Assert.StartsWith(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.IsAssignableFrom<PromptOptInputException>(ex);
    }

    [Fact]
    public void Parse_Empty_SaysWhatIsExpected()
    {
        var ex = Assert.Throws<RunSpecException>(() => RunSpecLoader.Parse("# nothing\n", "s.yaml", "/"));

        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Load_RelativeTaskPath_IsResolvedAgainstTheSpecDirectoryAndBuiltInNamesStay()
    {
        using var dir = new TempDirectory();
        dir.Write("examples/data/train.jsonl", "{}\n");
        var withPath = dir.Write("examples/a.yaml", "method: ape\ntask: data\n");
        var withName = dir.Write("examples/b.yaml", "method: ape\ntask: navigate\n");

        Assert.Equal(Path.Combine(dir.Path, "examples", "data"), RunSpecLoader.Load("examples/a.yaml", dir.Path).Task);
        Assert.Equal("navigate", RunSpecLoader.Load(withName).Task);
        Assert.Equal(Path.GetFullPath(withPath), RunSpecLoader.Load(withPath).SourcePath);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFileAsGiven()
    {
        using var dir = new TempDirectory();

        var ex = Assert.Throws<RunSpecException>(() => RunSpecLoader.Load("nope.yaml", dir.Path));

        Assert.Equal("nope.yaml: run spec file not found", ex.Message);
    }

    [Fact]
    public void OverrideWith_FlagsWinAndOptionsMergeByCanonicalKey()
    {
        var file = RunSpecLoader.Parse(Full, "s.yaml", "/");
        var flags = new RunSpec
        {
            Seed = 9,
            Budget = new RunSpecBudget { OptimizerCalls = 5 },
            Options = new Dictionary<string, string> { ["max_steps"] = "2", ["gamma"] = "0.2" },
        };

        var merged = file.OverrideWith(flags);

        Assert.Equal(9, merged.Seed);
        Assert.Equal("dual-phase", merged.Method);
        Assert.Equal(1500, merged.Budget.TaskCalls);
        Assert.Equal(5, merged.Budget.OptimizerCalls);
        Assert.Equal(new Dictionary<string, string> { ["max_steps"] = "2", ["sampling"] = "softmax", ["gamma"] = "0.2" }, merged.Options);
    }

    [Fact]
    public void ToJson_SameSpecWithOptionsInAnotherOrder_IsTheSameText()
    {
        var a = new RunSpec { Method = "ape", Options = new Dictionary<string, string> { ["b"] = "1", ["a"] = "2" } };
        var b = new RunSpec { Method = "ape", Options = new Dictionary<string, string> { ["a"] = "2", ["b"] = "1" } };

        Assert.Equal(a.ToJson().ToJsonString(), b.ToJson().ToJsonString());
        Assert.Equal("""{"method":"ape","options":{"a":"2","b":"1"}}""", a.ToJson().ToJsonString());
    }

    [Fact]
    public void DeriveRunId_IsReadableValidAndStable()
    {
        var id = RunSpec.DeriveRunId("dual-phase", "multistep_arithmetic", 42, "{\"x\":1}");

        Assert.Matches(@"^dual-phase-multistep_arithmetic-s42-[0-9a-f]{8}$", id);
        Assert.Equal(id, RunSpec.DeriveRunId("dual-phase", "multistep_arithmetic", 42, "{\"x\":1}"));
        Assert.NotEqual(id, RunSpec.DeriveRunId("dual-phase", "multistep_arithmetic", 42, "{\"x\":2}"));
    }

    [Theory]
    [InlineData("My Task/with spaces:and:colons")]
    [InlineData("---")]
    [InlineData("日本語")]
    public void DeriveRunId_AnyTargetName_GivesAValidId(string target)
    {
        var id = RunSpec.DeriveRunId("ape", target, -3, "{}");

        Assert.True(RunIds.IsValid(id), id);
    }

    [Fact]
    public void Nearest_NothingClose_IsNull()
    {
        Assert.Null(RunSpecLoader.Nearest("zzzzzzzz", RunSpecKeys.TopLevel));
        Assert.Equal("train-size", RunSpecLoader.Nearest("train_size", RunSpecKeys.TopLevel));
    }
}
