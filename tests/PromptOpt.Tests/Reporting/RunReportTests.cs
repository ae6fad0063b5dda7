using PromptOpt.Models;
using PromptOpt.Reporting;

namespace PromptOpt.Tests.Reporting;

public class RunReportTests
{
    [Theory]
    [InlineData("sim", true)]
    [InlineData("sim:small-3b", true)]
    [InlineData("gpt-4o-mini", false)]
    [InlineData("openai:gpt-4o", false)]
    public void IsSimulated_FromModelIds(string model, bool expected)
    {
        var report = ReportFixtures.DualPhase(model);

        Assert.Equal(expected, report.IsSimulated);
    }

    [Fact]
    public void IsSimulated_ExplicitModelsOverrideTheResult()
    {
        var report = ReportFixtures.DualPhase("gpt-4o") with { Models = new Dictionary<string, string> { [ModelRoles.Agent] = "sim:agent" } };

        Assert.True(report.IsSimulated);
        Assert.Equal(["agent"], report.Models.Keys);
    }

    [Fact]
    public void Defaults_ComeFromTheResult()
    {
        var report = ReportFixtures.MetaSpo();

        Assert.Equal("metaspo", report.Method);
        Assert.Equal(42, report.Seed);
        Assert.Equal(["task", "optimizer"], report.OrderedModels.Select(kv => kv.Key));
        Assert.Equal(7, (report with { Seed = 7 }).Seed);
    }

    [Theory]
    [InlineData("dual-phase", true)]
    [InlineData("Dual_Phase", true)]
    [InlineData("DualPhase", true)]
    [InlineData("metaspo", false)]
    public void MethodIs_IgnoresCaseAndSeparators(string method, bool expected) =>
        Assert.Equal(expected, ReportSections.MethodIs(method, "dual-phase"));

    [Fact]
    public void All_SectionIdsAreUnique()
    {
        var ids = ReportSections.All.Select(s => s.Id).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(["dual-phase"], ReportSections.All.Where(s => s.AppliesTo("dual-phase") && !s.AppliesTo("ape")).Select(s => s.Id));
        Assert.Equal(["expo"], ReportSections.All.Where(s => s.AppliesTo("expo-es") && !s.AppliesTo("ape")).Select(s => s.Id));
    }
}
