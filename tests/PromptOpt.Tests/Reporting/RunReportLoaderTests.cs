using PromptOpt.Reporting;
using PromptOpt.Storage;

namespace PromptOpt.Tests.Reporting;

public class RunReportLoaderTests
{
    private static readonly Dictionary<string, string> Models = new() { ["task"] = "sim:small", ["optimizer"] = "sim" };

    [Fact]
    public async Task LoadAsync_StoredResult_GivesTheSameReportAsTheResultItself()
    {
        var store = new InMemoryRunStore();
        var original = ReportFixtures.DualPhase();
        var opened = await store.CreateOrOpenRunAsync(new RunStart("run-dp-1", "dual-phase", """{"task":"demo","method":"dual-phase"}""", 42, Models));
        await store.SaveResultAsync("run-dp-1", RunReportLoader.ToResultJson(original.Result));

        var loaded = await RunReportLoader.LoadAsync(store, "run-dp-1", original.Failures);

        Assert.Equal(opened.Run.CreatedAt, loaded.CreatedAt);
        Assert.Equal("{\n  \"task\": \"demo\",\n  \"method\": \"dual-phase\"\n}", loaded.SpecText);
        Assert.Equal(["optimizer", "task"], loaded.Models.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("demo", loaded.TaskName); // from the spec
        var expected = original with { SpecText = loaded.SpecText, CreatedAt = loaded.CreatedAt, Models = loaded.Models, MaxFailures = loaded.MaxFailures, TaskName = loaded.TaskName };
        Assert.Equal(ReportWriter.WriteHtml(expected), ReportWriter.WriteHtml(loaded));
    }

    [Fact]
    public async Task LoadAsync_UnknownRun_ThrowsInputError()
    {
        var ex = await Assert.ThrowsAsync<PromptOptInputException>(() => RunReportLoader.LoadAsync(new InMemoryRunStore(), "nope"));

        Assert.Contains("'nope' not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_RunWithoutResult_ThrowsInputErrorNamingTheStatus()
    {
        var store = new InMemoryRunStore();
        await store.CreateOrOpenRunAsync(new RunStart("r1", "dual-phase", "{}", 1, Models));

        var ex = await Assert.ThrowsAsync<PromptOptInputException>(() => RunReportLoader.LoadAsync(store, "r1"));

        Assert.Contains("no result yet (status: running)", ex.Message, StringComparison.Ordinal);
    }
}
