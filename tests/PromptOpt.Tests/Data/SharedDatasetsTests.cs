using PromptOpt.Data;
using PromptOpt.Evaluation.Metrics;

namespace PromptOpt.Tests.Data;

/// <summary>Loads the real shared datasets when they are present (CI has them; elsewhere the tests return early).</summary>
public sealed class SharedDatasetsTests
{
    private static string? Root
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("PROMPTOPT_DATASETS") ?? "/work/shared/datasets";
            return Directory.Exists(root) ? root : null;
        }
    }

    [Fact]
    public void FromDirectory_EveryDataset_LoadsWithReadmeInstruction()
    {
        if (Root is not { } root)
        {
            return;
        }

        var dirs = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(dirs);
        foreach (var dir in dirs)
        {
            var task = TaskCatalog.FromDirectory(dir);

            Assert.NotEmpty(task.Dataset.Train);
            Assert.NotEmpty(task.Dataset.Test);
            Assert.Equal(DatasetReadme.TryReadInstruction(dir), task.DefaultInstruction);
            Assert.DoesNotContain('\n', task.DefaultInstruction);
            Assert.Contains("<answer></answer>", task.AnswerFormat);
        }
    }

    [Theory]
    [InlineData("bbh_navigate", "choice")]
    [InlineData("bbh_date_understanding", "choice")]
    [InlineData("bbh_object_counting", "numeric")]
    [InlineData("gsm8k", "numeric")]
    [InlineData("ii_rhymes", "exact_match")]
    [InlineData("ii_taxonomy_animal", "set_match")]
    [InlineData("ii_sum", "numeric")]
    [InlineData("amazon_baby", "choice")]
    [InlineData("sst2", "choice")]
    public void FromDirectory_KnownDataset_InfersMetric(string name, string metric)
    {
        if (Root is not { } root || !Directory.Exists(Path.Combine(root, name)))
        {
            return;
        }

        Assert.Equal(metric, TaskCatalog.FromDirectory(Path.Combine(root, name)).Metric.Name);
    }

    [Fact]
    public void FromDirectory_Sst2_HasDevSplit()
    {
        if (Root is not { } root || !Directory.Exists(Path.Combine(root, "sst2")))
        {
            return;
        }

        var task = TaskCatalog.FromDirectory(Path.Combine(root, "sst2"));

        Assert.Equal(872, task.Dataset.Dev.Count);
        Assert.Equal("Answer with only one of the options (negative, positive) inside <answer></answer> tags.", task.AnswerFormat);
    }

    [Fact]
    public void Metric_EveryDataset_ScoresTheTaggedTargetAsCorrect()
    {
        if (Root is not { } root)
        {
            return;
        }

        foreach (var dir in Directory.GetDirectories(root))
        {
            var task = TaskCatalog.FromDirectory(dir);
            foreach (var e in task.Dataset.Train.Take(50).Concat(task.Dataset.Test.Take(50)))
            {
                var r = task.Metric.Score($"Reasoning first.\n<answer>{e.Target}</answer>", e);
                Assert.True(r.Score == 1, $"{task.Name} {e.Id}: {r.Feedback}");
            }
        }
    }

    [Fact]
    public void Metric_ChoiceDatasets_ScoreAVerboseAnswer()
    {
        if (Root is not { } root)
        {
            return;
        }

        foreach (var name in new[] { "bbh_navigate", "bbh_date_understanding", "sst2", "trec" })
        {
            var dir = Path.Combine(root, name);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            var task = TaskCatalog.FromDirectory(dir);
            foreach (var e in task.Dataset.Test.Take(30))
            {
                Assert.Equal(1, task.Metric.Score($"Having considered it carefully, the answer is {e.Target}.", e).Score);
                Assert.Equal(0, task.Metric.Score($"<answer>{e.Choices!.First(c => c != e.Target)}</answer>", e).Score);
            }
        }
    }

    [Fact]
    public void Resolve_BareNameWithDatasetsRoot_LoadsSharedDataset()
    {
        if (Root is not { } root || !Directory.Exists(Path.Combine(root, "bbh_navigate")))
        {
            return;
        }

        var task = TaskCatalog.Resolve("bbh_navigate", 0, new TaskResolveOptions { DatasetsRoot = root });

        Assert.Equal(50, task.Dataset.Train.Count);
        Assert.Equal(200, task.Dataset.Test.Count);
        Assert.IsType<ChoiceMetric>(task.Metric);
    }
}
