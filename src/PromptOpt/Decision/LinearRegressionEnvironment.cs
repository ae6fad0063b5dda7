using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PromptOpt.Decision;

/// <summary>
/// OPRO's linear-regression black-box optimisation task: propose integer (w, b) to minimise the sum of squared residuals
/// of y = w·x + b on n generated points (ALGORITHMS.md §1.6, §5).
/// </summary>
/// <remarks>
/// <para>Action: the last <c>[w, b]</c> pair of numbers in the reply, rounded to integers (as OPRO does).
/// Reward r_t = clip(1 − loss / loss_ref, 0, 1), where loss_ref is the loss of the best starting point.
/// Performance: the optimality gap = best loss found (starting points included) − the least-squares optimum.</para>
/// <para>Exemplar pool: the distinct pairs evaluated, starting points first. The default block shows the
/// <see cref="LinearRegressionOptions.ExemplarCount"/> best, worst to best (best last).</para>
/// </remarks>
public sealed partial class LinearRegressionEnvironment : DecisionEnvironment
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly List<(int W, int B, double Loss)> _pool = [];
    private readonly HashSet<(int W, int B)> _seen = [];
    private double _bestLoss;

    /// <summary>Initializes a new instance of the <see cref="LinearRegressionEnvironment"/> class.</summary>
    /// <param name="name">The catalog name.</param>
    /// <param name="seed">The seed (true parameters when drawn, noise, starting points).</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    public LinearRegressionEnvironment(string name, int seed, LinearRegressionOptions? options = null)
        : base(name, seed, (options ?? new()).Horizon)
    {
        Options = options ?? new();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Points, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.StartingPoints, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ExemplarCount, 1, nameof(options));
        if (Options.StartMax < Options.StartMin)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "StartMax must not be below StartMin.");
        }

        var rng = new Random(seed);
        TrueSlope = Options.TrueSlope ?? rng.Next(Options.StartMin, Options.StartMax + 1);
        TrueIntercept = Options.TrueIntercept ?? rng.Next(Options.StartMin, Options.StartMax + 1);
        _x = Enumerable.Range(1, Options.Points).Select(i => (double)i).ToArray();
        _y = _x.Select(x => (TrueSlope * x) + TrueIntercept + (Options.NoiseSd * Gaussian(rng))).ToArray();

        // The least-squares optimum (continuous), for the optimality gap.
        double mx = _x.Average(), my = _y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < _x.Length; i++)
        {
            sxy += (_x[i] - mx) * (_y[i] - my);
            sxx += (_x[i] - mx) * (_x[i] - mx);
        }

        OptimalSlope = sxy / sxx;
        OptimalIntercept = my - (OptimalSlope * mx);
        OptimalLoss = Loss(OptimalSlope, OptimalIntercept);

        _bestLoss = double.PositiveInfinity;
        int attempts = 0;
        while (_pool.Count < Options.StartingPoints && attempts++ < 1000)
        {
            Add(rng.Next(Options.StartMin, Options.StartMax + 1), rng.Next(Options.StartMin, Options.StartMax + 1));
        }

        ReferenceLoss = _bestLoss;
    }

    /// <summary>Gets the options.</summary>
    public LinearRegressionOptions Options { get; }

    /// <summary>Gets the true slope used to generate the data.</summary>
    public double TrueSlope { get; }

    /// <summary>Gets the true intercept used to generate the data.</summary>
    public double TrueIntercept { get; }

    /// <summary>Gets the least-squares slope.</summary>
    public double OptimalSlope { get; }

    /// <summary>Gets the least-squares intercept.</summary>
    public double OptimalIntercept { get; }

    /// <summary>Gets the least-squares (minimal) loss.</summary>
    public double OptimalLoss { get; }

    /// <summary>Gets loss_ref: the loss of the best starting point.</summary>
    public double ReferenceLoss { get; }

    /// <summary>Gets the best loss found so far (starting points included).</summary>
    public double BestLoss => _bestLoss;

    /// <summary>Gets the data points (x, y).</summary>
    public IReadOnlyList<(double X, double Y)> Data => _x.Zip(_y).ToArray();

    /// <inheritdoc/>
    public override DecisionTaskKind Kind => DecisionTaskKind.LinearRegression;

    /// <inheritdoc/>
    public override string OriginalTaskDescription => DecisionPrompts.LinearRegressionDescription;

    /// <inheritdoc/>
    public override string OriginalMetaInstruction => DecisionPrompts.LinearRegressionInstruction;

    /// <inheritdoc/>
    public override string PerformanceMeasureName => "optimality_gap";

    /// <inheritdoc/>
    public override double Performance => _bestLoss - OptimalLoss;

    /// <inheritdoc/>
    public override string BestValueName => "best_loss";

    /// <inheritdoc/>
    public override double BestValue => _bestLoss;

    /// <inheritdoc/>
    public override int ExemplarPoolCount => _pool.Count;

    /// <inheritdoc/>
    public override int DefaultExemplarCount => Options.ExemplarCount;

    /// <inheritdoc/>
    public override int? BestExemplarIndex => _pool.Count == 0 ? null : Enumerable.Range(0, _pool.Count).MinBy(i => _pool[i].Loss);

    /// <summary>Computes the loss Σ(y − (w·x + b))².</summary>
    /// <param name="w">The slope.</param>
    /// <param name="b">The intercept.</param>
    /// <returns>The sum of squared residuals.</returns>
    public double Loss(double w, double b)
    {
        double s = 0;
        for (int i = 0; i < _x.Length; i++)
        {
            double r = _y[i] - ((w * _x[i]) + b);
            s += r * r;
        }

        return s;
    }

    /// <summary>Parses the last <c>[w, b]</c> pair, rounded to integers.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The pair, or <see langword="null"/>.</returns>
    public static (int W, int B)? ParsePair(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var matches = PairPattern().Matches(response);
        if (matches.Count == 0)
        {
            return null;
        }

        var m = matches[^1];
        if (!double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
            || !double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
            || Math.Abs(w) > 1e9 || Math.Abs(b) > 1e9)
        {
            return null;
        }

        return ((int)Math.Round(w, MidpointRounding.AwayFromZero), (int)Math.Round(b, MidpointRounding.AwayFromZero));
    }

    /// <inheritdoc/>
    public override DecisionEnvironment CreateFresh() => new LinearRegressionEnvironment(Name, Seed, Options);

    /// <inheritdoc/>
    public override string RenderExemplars(IReadOnlyList<int>? selection = null)
    {
        var shown = Shown(selection);
        var sb = new StringBuilder();
        foreach (var (w, b, loss) in shown)
        {
            if (sb.Length > 0)
            {
                sb.Append("\n\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"input:\nw={w}, b={b}\nvalue:\n{Math.Round(loss):0}");
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    /// <remarks><c>{kind:"linreg", shown:[[w,b,loss]…] worst to best, best:[w,b] (null when nothing is shown), bestLoss, t, horizon}</c>.</remarks>
    public override JsonObject GetAgentState(IReadOnlyList<int>? selection = null)
    {
        var shown = Shown(selection);
        return new JsonObject
        {
            ["kind"] = "linreg",
            ["shown"] = new JsonArray(shown.Select(p => (JsonNode?)new JsonArray(p.W, p.B, p.Loss)).ToArray()),
            ["best"] = shown.Count == 0 ? null : new JsonArray(shown[^1].W, shown[^1].B),
            ["bestLoss"] = shown.Count == 0 ? null : shown[^1].Loss,
            ["t"] = StepCount,
            ["horizon"] = Horizon,
        };
    }

    /// <inheritdoc/>
    private protected override ActionOutcome Execute(string response, int step)
    {
        if (ParsePair(response) is not { } p)
        {
            return ActionOutcome.Failed("no [w, b] pair found");
        }

        double loss = Add(p.W, p.B);
        double reward = Math.Clamp(1 - (loss / ReferenceLoss), 0, 1);
        return new ActionOutcome(string.Create(CultureInfo.InvariantCulture, $"[{p.W}, {p.B}]"), reward, loss, null);
    }

    private double Add(int w, int b)
    {
        double loss = Loss(w, b);
        if (_seen.Add((w, b)))
        {
            _pool.Add((w, b, loss));
        }

        _bestLoss = Math.Min(_bestLoss, loss);
        return loss;
    }

    private List<(int W, int B, double Loss)> Shown(IReadOnlyList<int>? selection)
    {
        ValidateSelection(selection);
        IEnumerable<(int W, int B, double Loss)> items = selection is null
            ? _pool.OrderBy(p => p.Loss).Take(Options.ExemplarCount)
            : selection.Distinct().Select(i => _pool[i]);
        return items.OrderByDescending(p => p.Loss).ToList();
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    [GeneratedRegex(@"\[\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\]", RegexOptions.CultureInvariant)]
    private static partial Regex PairPattern();
}
