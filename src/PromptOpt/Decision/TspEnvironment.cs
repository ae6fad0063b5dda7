using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PromptOpt.Decision;

/// <summary>
/// OPRO's travelling-salesman task: n random integer points in [−100, 100]², propose a closed tour
/// (ALGORITHMS.md §1.6, §5).
/// </summary>
/// <remarks>
/// <para>Action: the last <c>&lt;trace&gt;0,3,1,…&lt;/trace&gt;</c> in the reply; it must visit every point exactly once
/// (any rotation is accepted and stored starting at 0). An invalid trace is a parse failure. Reward
/// r_t = min(1, reference_length / proposed_length). Performance: the gap (best − reference) / reference, where the
/// reference is exact for n ≤ <see cref="TspOptions.ExactThreshold"/> and a 2-opt heuristic beyond (so the gap can be
/// slightly negative for large n).</para>
/// <para>Exemplar pool: the distinct valid tours, starting tours first. The default block shows the points and the
/// <see cref="TspOptions.ExemplarCount"/> best tours, worst to best.</para>
/// </remarks>
public sealed partial class TspEnvironment : DecisionEnvironment
{
    private readonly List<(int[] Tour, double Length)> _pool = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private double _bestLength = double.PositiveInfinity;

    /// <summary>Initializes a new instance of the <see cref="TspEnvironment"/> class.</summary>
    /// <param name="name">The catalog name.</param>
    /// <param name="seed">The seed (points and starting tours).</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    public TspEnvironment(string name, int seed, TspOptions? options = null)
        : base(name, seed, (options ?? new()).Horizon)
    {
        Options = options ?? new();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Nodes, 3, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.StartingTours, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ExemplarCount, 1, nameof(options));
        var rng = new Random(seed);
        int r = Options.CoordinateRange;
        Points = Enumerable.Range(0, Options.Nodes).Select(_ => (rng.Next(-r, r + 1), rng.Next(-r, r + 1))).ToArray();
        (ReferenceLength, ReferenceTour, ReferenceIsExact) = TspSolver.Reference(Points, Options.ExactThreshold);
        for (int i = 0; i < Options.StartingTours; i++)
        {
            var rest = Enumerable.Range(1, Options.Nodes - 1).ToArray();
            rng.Shuffle(rest);
            Add([0, .. rest]);
        }
    }

    /// <summary>Gets the options.</summary>
    public TspOptions Options { get; }

    /// <summary>Gets the points.</summary>
    public IReadOnlyList<(int X, int Y)> Points { get; }

    /// <summary>Gets the reference (optimal or heuristic) tour length.</summary>
    public double ReferenceLength { get; }

    /// <summary>Gets the reference tour.</summary>
    public IReadOnlyList<int> ReferenceTour { get; }

    /// <summary>Gets whether <see cref="ReferenceLength"/> is the exact optimum.</summary>
    public bool ReferenceIsExact { get; }

    /// <summary>Gets the best length found so far (starting tours included).</summary>
    public double BestLength => _bestLength;

    /// <inheritdoc/>
    public override DecisionTaskKind Kind => DecisionTaskKind.Tsp;

    /// <inheritdoc/>
    public override string OriginalTaskDescription => DecisionPrompts.TspDescription;

    /// <inheritdoc/>
    public override string OriginalMetaInstruction => DecisionPrompts.TspInstruction;

    /// <inheritdoc/>
    public override string PerformanceMeasureName => "optimality_gap";

    /// <inheritdoc/>
    public override double Performance => (_bestLength - ReferenceLength) / ReferenceLength;

    /// <inheritdoc/>
    public override string BestValueName => "best_length";

    /// <inheritdoc/>
    public override double BestValue => _bestLength;

    /// <inheritdoc/>
    public override int ExemplarPoolCount => _pool.Count;

    /// <inheritdoc/>
    public override int DefaultExemplarCount => Options.ExemplarCount;

    /// <inheritdoc/>
    public override int? BestExemplarIndex => _pool.Count == 0 ? null : Enumerable.Range(0, _pool.Count).MinBy(i => _pool[i].Length);

    /// <summary>Parses the last <c>&lt;trace&gt;…&lt;/trace&gt;</c> as a list of point indices (not validated).</summary>
    /// <param name="response">The response.</param>
    /// <returns>The indices, or <see langword="null"/> when there is no trace or it holds a non-integer.</returns>
    public static int[]? ParseTrace(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var matches = TracePattern().Matches(response);
        if (matches.Count == 0)
        {
            return null;
        }

        var parts = matches[^1].Groups[1].Value.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var tour = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out tour[i]))
            {
                return null;
            }
        }

        return tour.Length == 0 ? null : tour;
    }

    /// <summary>Computes the length of a tour over <see cref="Points"/>.</summary>
    /// <param name="tour">The tour.</param>
    /// <returns>The closed-tour length.</returns>
    public double TourLength(IReadOnlyList<int> tour) => TspSolver.TourLength(Points, tour);

    /// <summary>Returns why a tour is invalid, or <see langword="null"/> when it visits every point exactly once.</summary>
    /// <param name="tour">The tour.</param>
    /// <returns>The reason, or <see langword="null"/>.</returns>
    public string? ValidateTour(IReadOnlyList<int> tour) => TspSolver.Validate(tour, Points.Count);

    /// <inheritdoc/>
    public override DecisionEnvironment CreateFresh() => new TspEnvironment(Name, Seed, Options);

    /// <inheritdoc/>
    public override string RenderExemplars(IReadOnlyList<int>? selection = null)
    {
        var sb = new StringBuilder("Points:");
        for (int i = 0; i < Points.Count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n({i}): ({Points[i].X}, {Points[i].Y})");
        }

        var shown = Shown(selection);
        if (shown.Count > 0)
        {
            sb.Append("\n\nTraces:");
            foreach (var (tour, length) in shown)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n<trace>{string.Join(",", tour)}</trace>\nlength:\n{Math.Round(length):0}\n");
            }
        }

        return sb.ToString().TrimEnd();
    }

    /// <inheritdoc/>
    /// <remarks><c>{kind:"tsp", points:[[x,y]…], shown:[{tour, length}…] worst to best, best (null when nothing is shown), bestLength, t, horizon}</c>.</remarks>
    public override JsonObject GetAgentState(IReadOnlyList<int>? selection = null)
    {
        var shown = Shown(selection);
        return new JsonObject
        {
            ["kind"] = "tsp",
            ["points"] = new JsonArray(Points.Select(p => (JsonNode?)new JsonArray(p.X, p.Y)).ToArray()),
            ["shown"] = new JsonArray(shown.Select(s => (JsonNode?)new JsonObject { ["tour"] = ToJson(s.Tour), ["length"] = s.Length }).ToArray()),
            ["best"] = shown.Count == 0 ? null : ToJson(shown[^1].Tour),
            ["bestLength"] = shown.Count == 0 ? null : shown[^1].Length,
            ["t"] = StepCount,
            ["horizon"] = Horizon,
        };
    }

    /// <inheritdoc/>
    private protected override ActionOutcome Execute(string response, int step)
    {
        if (ParseTrace(response) is not { } tour)
        {
            return ActionOutcome.Failed("no <trace>…</trace> of integers found");
        }

        if (ValidateTour(tour) is { } why)
        {
            return ActionOutcome.Failed("invalid trace: " + why);
        }

        var canonical = TspSolver.Canonical(tour);
        double length = Add(canonical);
        return new ActionOutcome(string.Join(",", canonical), Math.Min(1, ReferenceLength / length), length, null);
    }

    private static JsonArray ToJson(int[] tour) => new(tour.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private double Add(int[] canonical)
    {
        double length = TourLength(canonical);
        if (_seen.Add(string.Join(",", canonical)))
        {
            _pool.Add((canonical, length));
        }

        _bestLength = Math.Min(_bestLength, length);
        return length;
    }

    private List<(int[] Tour, double Length)> Shown(IReadOnlyList<int>? selection)
    {
        ValidateSelection(selection);
        IEnumerable<(int[] Tour, double Length)> items = selection is null
            ? _pool.OrderBy(p => p.Length).Take(Options.ExemplarCount)
            : selection.Distinct().Select(i => _pool[i]);
        return items.OrderByDescending(p => p.Length).ToList();
    }

    [GeneratedRegex(@"<trace>(.*?)</trace>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex TracePattern();
}
