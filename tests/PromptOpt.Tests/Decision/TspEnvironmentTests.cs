using PromptOpt.Decision;

namespace PromptOpt.Tests.Decision;

public class TspEnvironmentTests
{
    private static (int X, int Y)[] RandomPoints(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (rng.Next(-100, 101), rng.Next(-100, 101))).ToArray();
    }

    private static double BruteForce((int X, int Y)[] pts)
    {
        double best = double.PositiveInfinity;
        void Permute(int[] rest, int k)
        {
            if (k == rest.Length)
            {
                best = Math.Min(best, TspSolver.TourLength(pts, [0, .. rest]));
                return;
            }

            for (int i = k; i < rest.Length; i++)
            {
                (rest[k], rest[i]) = (rest[i], rest[k]);
                Permute(rest, k + 1);
                (rest[k], rest[i]) = (rest[i], rest[k]);
            }
        }

        Permute(Enumerable.Range(1, pts.Length - 1).ToArray(), 0);
        return best;
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(6, 3)]
    [InlineData(7, 4)]
    [InlineData(7, 5)]
    public void HeldKarp_SmallInstances_MatchesBruteForce(int n, int seed)
    {
        var pts = RandomPoints(n, seed);
        var (length, tour) = TspSolver.HeldKarp(pts);
        Assert.Equal(BruteForce(pts), length, 9);
        Assert.Null(TspSolver.Validate(tour, n));
        Assert.Equal(length, TspSolver.TourLength(pts, tour), 9);
    }

    [Fact]
    public void Heuristic_TenPoints_IsValidAndWithinFivePercentOfOptimum()
    {
        for (int seed = 0; seed < 5; seed++)
        {
            var pts = RandomPoints(10, seed);
            var (opt, _) = TspSolver.HeldKarp(pts);
            var (h, tour) = TspSolver.Heuristic(pts);
            Assert.Null(TspSolver.Validate(tour, 10));
            Assert.InRange(h, opt - 1e-9, opt * 1.05);
        }
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "the trace has 4 points, expected 5")]
    [InlineData(new[] { 0, 1, 2, 3, 3 }, "point 3 is visited twice")]
    [InlineData(new[] { 0, 1, 2, 3, 5 }, "point 5 does not exist")]
    [InlineData(new[] { 0, 1, 2, 3, -1 }, "point -1 does not exist")]
    public void Validate_BadTours_ExplainsWhy(int[] tour, string why) => Assert.Equal(why, TspSolver.Validate(tour, 5));

    [Fact]
    public void Step_InvalidTrace_IsParseFailureWithZeroReward()
    {
        var env = new TspEnvironment("tsp-10", 1);
        var r = env.Step("<trace>0,1,2,3,4,5,6,7,8,8</trace>");
        Assert.False(r.Parsed);
        Assert.Equal(0, r.Reward);
        Assert.Contains("visited twice", r.Note);
        Assert.False(env.Step("0 -> 1 -> 2").Parsed);
        Assert.Equal(2, env.ParseFailures);
    }

    [Fact]
    public void Step_OptimalTourRotated_ScoresOneAndClosesGap()
    {
        var env = new TspEnvironment("tsp-10", 2);
        Assert.True(env.ReferenceIsExact);
        Assert.True(env.Performance > 0);
        var t = env.ReferenceTour.ToArray();
        var rotated = t.Skip(3).Concat(t.Take(3));
        var r = env.Step($"Here: <trace>{string.Join(", ", rotated)}</trace>");
        Assert.Equal(string.Join(",", t), r.Action);
        Assert.Equal(1, r.Reward, 9);
        Assert.Equal(0, env.Performance, 9);
    }

    [Fact]
    public void Step_WorseTour_RewardIsReferenceOverLength()
    {
        var env = new TspEnvironment("tsp-10", 3);
        int[] tour = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        var r = env.Step("<trace>0,1,2,3,4,5,6,7,8,9</trace>");
        Assert.Equal(env.ReferenceLength / env.TourLength(tour), r.Reward, 9);
        Assert.Equal(env.TourLength(tour), r.Value!.Value, 9);
    }

    [Fact]
    public void Ctor_Defaults_PointsInRangeAndFiveStartingToursFromZero()
    {
        var env = new TspEnvironment("tsp-20", 5, new TspOptions { Nodes = 20 });
        Assert.False(env.ReferenceIsExact);
        Assert.All(env.Points, p => Assert.InRange(p.X, -100, 100));
        Assert.Equal(5, env.ExemplarPoolCount);
        var shown = env.GetAgentState()["shown"]!.AsArray();
        Assert.All(shown, s => Assert.Equal(0, s!["tour"]![0]!.GetValue<int>()));
        Assert.True(env.ReferenceLength < shown.Min(s => s!["length"]!.GetValue<double>()));
        var lengths = shown.Select(s => s!["length"]!.GetValue<double>()).ToArray();
        Assert.Equal(lengths.OrderByDescending(l => l), lengths);
    }

    [Fact]
    public void RenderExemplars_Default_ListsPointsAndTracesWithLengths()
    {
        var env = new TspEnvironment("tsp-10", 6);
        var text = env.RenderExemplars();
        Assert.StartsWith("Points:\n(0): (", text);
        Assert.Contains("(9): (", text);
        Assert.Equal(5, text.Split("<trace>").Length - 1);
        Assert.Contains("length:\n", text);
    }
}
