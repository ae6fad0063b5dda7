using System.Text.Json;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;

namespace PromptOpt.Tests.Data;

public sealed class BuiltInTasksTests
{
    public static TheoryData<string> TaskNames => new(BuiltInTasks.Names);

    [Fact]
    public void Names_HasTheSixTasks()
    {
        Assert.Equal(
            ["multistep_arithmetic", "boolean_expressions", "object_counting", "navigate", "date_arithmetic", "word_sorting"],
            BuiltInTasks.Names);
        Assert.All(BuiltInTasks.Names, n => Assert.False(string.IsNullOrWhiteSpace(BuiltInTasks.Descriptions[n])));
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Create_DefaultSizes_Are100And300WithStableUniqueIds(string name)
    {
        var task = BuiltInTasks.Create(name, seed: 5);

        Assert.Equal(name, task.Name);
        Assert.Equal(100, task.Dataset.Train.Count);
        Assert.Equal(300, task.Dataset.Test.Count);
        Assert.Empty(task.Dataset.Dev);
        Assert.Equal($"{name}-train-0000", task.Dataset.Train[0].Id);
        Assert.Equal($"{name}-test-0299", task.Dataset.Test[^1].Id);
        Assert.Equal(400, task.Dataset.All.Select(e => e.Id).Distinct().Count());
        Assert.Equal(400, task.Dataset.All.Select(e => e.Input).Distinct().Count()); // no test input leaks into train
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Create_SameSeed_SameExamples(string name)
    {
        var a = BuiltInTasks.Create(name, seed: 11, trainSize: 20, testSize: 30);
        var b = BuiltInTasks.Create(name, seed: 11, trainSize: 20, testSize: 30);

        Assert.Equal(a.Dataset.Fingerprint, b.Dataset.Fingerprint);
        Assert.Equal(a.Dataset.All.Select(e => (e.Id, e.Input, e.Target)), b.Dataset.All.Select(e => (e.Id, e.Input, e.Target)));
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Create_DifferentSeed_DifferentExamples(string name)
    {
        var a = BuiltInTasks.Create(name, seed: 11, trainSize: 20, testSize: 30);
        var b = BuiltInTasks.Create(name, seed: 12, trainSize: 20, testSize: 30);

        int same = a.Dataset.All.Zip(b.Dataset.All).Count(p => p.First.Input == p.Second.Input);
        Assert.True(same <= 5, $"{same} of 50 inputs coincide across seeds");
        Assert.NotEqual(a.Dataset.Fingerprint, b.Dataset.Fingerprint);
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Create_TrainExamples_DoNotDependOnTestSize(string name)
    {
        var a = BuiltInTasks.Create(name, seed: 3, trainSize: 10, testSize: 5);
        var b = BuiltInTasks.Create(name, seed: 3, trainSize: 10, testSize: 50);

        Assert.Equal(a.Dataset.Train.Select(e => e.Input), b.Dataset.Train.Select(e => e.Input));
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Create_Definition_HasInstructionFormatSkillsAndVariedLevels(string name)
    {
        var task = BuiltInTasks.Create(name, seed: 1, trainSize: 60, testSize: 60);

        Assert.False(string.IsNullOrWhiteSpace(task.DefaultInstruction));
        Assert.DoesNotContain('\n', task.DefaultInstruction);
        Assert.Contains("<answer></answer>", task.AnswerFormat);
        Assert.InRange(task.Skills.Count, 2, 4);
        Assert.All(task.Skills, s =>
        {
            Assert.Matches("^[a-z_]+$", s.Name);
            Assert.InRange(s.Descriptions.Count, 3, 6);
            Assert.True(s.Phrases.Count >= 2, s.Name);
            Assert.Empty(s.Phrases.Intersect(s.Descriptions)); // the phrase bank is distinct from the descriptions
            Assert.InRange(s.Rate, 0.05, 1.0);
        });
        var declared = task.Skills.Select(s => s.Name).ToHashSet();
        Assert.NotEmpty(task.Misconceptions);
        Assert.All(task.Misconceptions, m => Assert.Contains(m.Skill, declared));
        var levels = new HashSet<int>();
        var used = new HashSet<string>();
        foreach (var e in task.Dataset.All)
        {
            levels.Add(e.Meta!["level"].GetInt32());
            foreach (var s in e.Meta["skills"].EnumerateArray())
            {
                used.Add(s.GetString()!);
            }
        }

        Assert.Equal([1, 2, 3], levels.Order());
        Assert.Subset(declared, used);
        Assert.True(used.Count >= 2, $"only {used.Count} skills are ever exercised");
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Create_Metric_ScoresTheTaggedTargetAsCorrect(string name)
    {
        var task = BuiltInTasks.Create(name, seed: 2, trainSize: 30, testSize: 30);

        Assert.All(task.Dataset.All, e => Assert.Equal(1.0, task.Metric.Score($"<answer>{e.Target}</answer>", e).Score));
    }

    [Theory]
    [InlineData("boolean_expressions")]
    [InlineData("navigate")]
    public void Create_BinaryTasks_HaveBalancedLabels(string name)
    {
        var task = BuiltInTasks.Create(name, seed: 9);

        var first = task.Dataset.Test[0].Choices![0];
        double share = task.Dataset.Test.Count(e => e.Target == first) / (double)task.Dataset.Test.Count;
        Assert.InRange(share, 0.4, 0.6);
    }

    [Fact]
    public void Create_DateArithmetic_CorrectOptionPositionVaries()
    {
        var task = BuiltInTasks.Create("date_arithmetic", seed: 4);

        Assert.Equal(5, task.Dataset.Test.Select(e => e.Target).Distinct().Count());
    }

    [Fact]
    public void Create_NameIsCaseAndDashInsensitive()
    {
        Assert.Equal("word_sorting", BuiltInTasks.Create("Word-Sorting", seed: 0, trainSize: 1, testSize: 1).Name);
    }

    [Fact]
    public void Create_UnknownName_ThrowsListingNames()
    {
        var ex = Assert.Throws<PromptOptInputException>(() => BuiltInTasks.Create("sudoku", seed: 0));

        Assert.Contains("\"sudoku\"", ex.Message);
        Assert.All(BuiltInTasks.Names, n => Assert.Contains(n, ex.Message));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, -1)]
    [InlineData(200_000, 10)]
    public void Create_SizeOutOfRange_Throws(int train, int test)
    {
        Assert.Throws<PromptOptInputException>(() => BuiltInTasks.Create("navigate", seed: 0, trainSize: train, testSize: test));
    }

    [Fact]
    public void Create_ObjectCounting_MetaItemsAreJson()
    {
        var e = BuiltInTasks.Create("object_counting", seed: 0, trainSize: 1, testSize: 1).Dataset.Train[0];

        Assert.Equal(JsonValueKind.Array, e.Meta!["items"].ValueKind);
        Assert.Equal(JsonValueKind.String, e.Meta["category"].ValueKind);
    }
}
