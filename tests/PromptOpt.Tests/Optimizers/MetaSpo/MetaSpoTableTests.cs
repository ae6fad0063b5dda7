using PromptOpt.Optimizers.MetaSpo;

namespace PromptOpt.Tests.Optimizers.MetaSpo;

public class MetaSpoTableTests
{
    private static MetaSpoTable Sample() => MetaSpoTable.ByDomain("t", ["Default", "MetaSPO"],
    [
        ("review", [0.3, 0.6]),
        ("review", [0.5, 0.8]),
        ("safety", [0.2, null]),
    ]);

    [Fact]
    public void ByDomain_DomainMeansAndTaskWeightedAverage()
    {
        var table = Sample();
        Assert.Equal(["review", "safety", "Avg"], table.Columns);
        Assert.Equal(0.4, table.Get("Default", "review")!.Value, 12);
        Assert.Equal(0.2, table.Get("Default", "safety")!.Value, 12);
        Assert.Equal(1.0 / 3, table.Get("Default", "Avg")!.Value, 12); // over tasks, as the paper's Avg
        Assert.Null(table.Get("MetaSPO", "safety"));
        Assert.Equal(0.7, table.Get("MetaSPO", "Avg")!.Value, 12);
        Assert.Null(table.Get("CoT", "review"));
    }

    [Fact]
    public void ToMarkdown_PercentWithOneDecimal()
    {
        var md = Sample().ToMarkdown();
        Assert.Contains("| system prompt | review | safety | Avg |", md);
        Assert.Contains("| Default | 40.0 | 20.0 | 33.3 |", md);
        Assert.Contains("| MetaSPO | 70.0 | — | 70.0 |", md);
    }

    [Fact]
    public void FromJson_RoundTrips()
    {
        var table = Sample();
        var back = MetaSpoTable.FromJson(table.ToJson())!;
        Assert.Equal(table.Title, back.Title);
        Assert.Equal(table.Columns, back.Columns);
        Assert.Equal(table.Rows.Select(r => (r.Label, string.Join(",", r.Values))), back.Rows.Select(r => (r.Label, string.Join(",", r.Values))));
        Assert.Null(MetaSpoTable.FromJson(null));
    }

    [Fact]
    public void TtaTaskResult_OptimizedReachesDefaultFinalAt_FirstIterationAtOrAbove()
    {
        var r = new TtaTaskResult("t", "d", [0.3, 0.5, 0.6], [0.4, 0.6, 0.7], "", "");
        Assert.Equal(1, r.OptimizedReachesDefaultFinalAt);
        Assert.Null((r with { Optimized = [0.1, 0.2] }).OptimizedReachesDefaultFinalAt);
    }
}
