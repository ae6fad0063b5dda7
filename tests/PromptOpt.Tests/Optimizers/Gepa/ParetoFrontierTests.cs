using PromptOpt.Optimizers.Gepa;

namespace PromptOpt.Tests.Optimizers.Gepa;

public class ParetoFrontierTests
{
    private static IReadOnlyList<IReadOnlyList<double>> T(params double[][] rows) => rows;

    [Fact]
    public void Fronts_TiesBelongToEveryTiedCandidate()
    {
        var fronts = ParetoFrontier.Fronts(T([1, 0, 1], [1, 1, 0], [0, 0, 0]));

        Assert.Equal([0, 1], fronts[0]);
        Assert.Equal([1], fronts[1]);
        Assert.Equal([0], fronts[2]);
    }

    [Fact]
    public void Weights_DominatedCandidateIsRemoved_OthersWeightedByFrontsWon()
    {
        // c2 wins only example 0, which c0 also wins: dominated. c0 wins 0 and 2, c1 wins 1 and 3.
        var table = T([1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 0, 0]);
        var agg = table.Select(r => r.Average()).ToList();

        var w = ParetoFrontier.Weights(ParetoFrontier.Fronts(table), agg);

        Assert.Equal(new Dictionary<int, int> { [0] = 2, [1] = 2 }, w);
    }

    [Fact]
    public void Weights_TwoIdenticalCandidates_TheLowerAggregateGoesFirst_ExactlyOneStays()
    {
        // c0 and c1 tie on every example: each is dominated by the other; removal in ascending aggregate order (ties by id)
        // removes c0 first, after which c1 is no longer dominated.
        var table = T([1, 1, 0], [1, 1, 0], [0, 0, 1]);

        var w = ParetoFrontier.Weights(ParetoFrontier.Fronts(table), table.Select(r => r.Average()).ToList());

        Assert.Equal(new Dictionary<int, int> { [1] = 2, [2] = 1 }, w);
    }

    [Fact]
    public void Weights_AllZeroExample_PutsEveryoneInItsFront_WithoutKeepingDominatedOnes()
    {
        var table = T([0, 1], [0, 0]);

        var w = ParetoFrontier.Weights(ParetoFrontier.Fronts(table), table.Select(r => r.Average()).ToList());

        Assert.Equal(new Dictionary<int, int> { [0] = 2 }, w);
    }

    [Fact]
    public void Select_SamplesInProportionToWeights_AndNeverADominatedCandidate()
    {
        // c0 wins 3 examples, c1 wins 1, c2 is dominated (its only win is shared with c0).
        var table = T([1, 1, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]);
        var rng = new Random(5);
        var counts = new int[3];

        for (int i = 0; i < 4000; i++)
        {
            counts[ParetoFrontier.Select(table, rng)]++;
        }

        Assert.Equal(0, counts[2]);
        Assert.InRange(counts[0] / 4000.0, 0.72, 0.78); // 3/4 ± 5 s.d. of a binomial(4000, 0.75)
    }

    [Fact]
    public void BestByMean_TiesKeepTheEarliest()
    {
        Assert.Equal(1, ParetoFrontier.BestByMean(T([0, 1], [1, 1], [1, 1])));
    }
}

public class GepaMergeTests
{
    // Components: [user, system].
    private static readonly string?[] Ancestor = ["U0 {question}", "S0"];

    [Fact]
    public void Combine_EachChangedComponentComesFromTheCandidateThatChangedIt()
    {
        string?[] a = ["U1 {question}", "S0"]; // changed the user prompt
        string?[] b = ["U0 {question}", "S2"]; // changed the system prompt

        var child = GepaMerge.Combine(Ancestor, a, b, 0.5, 0.9);

        Assert.Equal(new[] { "U1 {question}", "S2" }, child.Select(x => x!));
        Assert.True(GepaMerge.IsDesirable(Ancestor, a, b));
    }

    [Fact]
    public void Combine_BothChangedTheSameComponent_TakesTheBetterScoringOnes()
    {
        string?[] a = ["U1 {question}", "S0"];
        string?[] b = ["U2 {question}", "S0"];

        Assert.Equal(new[] { "U2 {question}", "S0" }, GepaMerge.Combine(Ancestor, a, b, 0.5, 0.9).Select(x => x!));
        Assert.Equal(new[] { "U1 {question}", "S0" }, GepaMerge.Combine(Ancestor, a, b, 0.5, 0.5).Select(x => x!));
        Assert.False(GepaMerge.IsDesirable(Ancestor, a, b)); // nothing to combine: both changed the same component only
    }

    [Fact]
    public void FindTriplet_PicksTheCommonAncestor_NotAPairInOneLine()
    {
        // 0 start; 1 and 2 children of 0 (user / system changed); 3 child of 1.
        var parents = new IReadOnlyList<int>[] { [], [0], [0], [1] };
        var comps = new IReadOnlyList<string?>[] { Ancestor, ["U1 {question}", "S0"], ["U0 {question}", "S2"], ["U3 {question}", "S0"] };
        var aggregate = new[] { 0.2, 0.5, 0.6, 0.7 };
        var tried = new HashSet<(int, int, int)>();

        var t = GepaMerge.FindTriplet([1, 2], parents, comps, aggregate, tried, new Random(1));

        Assert.Equal((1, 2, 0), t);
        Assert.Null(GepaMerge.FindTriplet([1, 3], parents, comps, aggregate, [], new Random(1))); // 1 is 3's ancestor
        Assert.Null(GepaMerge.FindTriplet([1, 2], parents, comps, aggregate, tried, new Random(1))); // already tried
        Assert.Equal([0, 1], GepaMerge.Ancestors(parents, 3).Order());
    }

    [Fact]
    public void AutoBudget_MatchesDspyFormula()
    {
        // light: n = 6, 2 predictors: trials = max(2·4·log2 6, 9) = 20; V = 50 → 50 + 30 + 20·35 + ((21 / 5) + 1)·50.
        Assert.Equal(50 + 30 + 700 + (5 * 50), GepaOptions.AutoBudget(6, 2, 50));
    }
}
