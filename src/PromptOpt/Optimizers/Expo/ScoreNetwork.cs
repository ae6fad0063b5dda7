using System.Numerics;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// The score estimator M(·; θ) of EXPO (ALGORITHMS.md §1.2, §1.5, §5): an MLP regressor input → hidden ReLU → 1,
/// Kaiming-initialised from a seed, trained with Adam on (weighted) mean squared error, in double precision.
/// </summary>
/// <remarks>
/// <para>Parameters live in one flat array θ = [W1 (hidden × input, row-major) | b1 | w2 | b2]. With
/// <see cref="ScoreNetworkOptions.WarmStart"/> a fit continues from the previous weights. Not thread-safe;
/// <see cref="Snapshot"/> returns an independent copy (EXPO-ES keeps past snapshots).</para>
/// <para>The dot products W1ⱼ·x and the output sums run in <see cref="TensorPrimitives"/>, whose code is optimised even
/// when this assembly is built in Debug. Dot products are summed in its vectorised order, so results can differ from a
/// sequential sum in the last bits and between machines of different vector widths. The element-wise steps (the rank-one
/// updates of the W1 gradient, Adam over θ) are exact: every product, sum, quotient and square root is rounded on its
/// own (no fused multiply-add), so their vector width never changes a bit.</para>
/// <para>Per fit the cost is epochs × (a forward pass, a backward pass, one Adam pass over θ); the work buffers are kept
/// between fits, so a fit allocates only its row order.</para>
/// </remarks>
public sealed class ScoreNetwork
{
    private double[] _theta;
    private double[] _m;
    private double[] _v;
    private long _adamStep;
    private readonly Random _rng;
    private double[]? _gradient;
    private double[][]? _rows;
    private double[]? _act;
    private double[]? _y;
    private double[]? _dy;
    private double[]? _dz;
    private int[]? _active;
    private double[]? _row;

    /// <summary>Initializes a new instance of the <see cref="ScoreNetwork"/> class.</summary>
    /// <param name="inputDimension">The input dimension.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    public ScoreNetwork(int inputDimension, ScoreNetworkOptions? options = null)
        : this(Checked(inputDimension, options ?? new()), inputDimension)
    {
        Initialize();
    }

    /// <summary>A network of this shape and options whose state is all zeros (no initialisation, no draw).</summary>
    private ScoreNetwork(ScoreNetworkOptions options, int inputDimension)
    {
        Options = options;
        InputDimension = inputDimension;
        HiddenUnits = options.HiddenUnits;
        _theta = new double[ParameterCount];
        _m = new double[ParameterCount];
        _v = new double[ParameterCount];
        _rng = new Random(Options.Seed);
    }

    private ScoreNetwork(ScoreNetwork source)
    {
        Options = source.Options;
        InputDimension = source.InputDimension;
        HiddenUnits = source.HiddenUnits;
        _theta = (double[])source._theta.Clone();
        _m = (double[])source._m.Clone();
        _v = (double[])source._v.Clone();
        _adamStep = source._adamStep;
        _rng = new Random(Options.Seed ^ (int)source._adamStep);
    }

    /// <summary>Gets the options.</summary>
    public ScoreNetworkOptions Options { get; }

    /// <summary>The hidden units whose rows of W1 are dotted with an input together in the forward pass (a tile that stays in the L1 cache).</summary>
    /// <remarks>Only the order of independent dot products depends on it, never a value (each is the same call on the same memory).</remarks>
    private const int ForwardTile = 2;

    /// <summary>Gets the input dimension.</summary>
    public int InputDimension { get; }

    /// <summary>Gets the number of hidden units.</summary>
    public int HiddenUnits { get; }

    /// <summary>Gets the number of parameters.</summary>
    public int ParameterCount => (HiddenUnits * InputDimension) + HiddenUnits + HiddenUnits + 1;

    /// <summary>Gets the parameters θ (a live view; tests use it for finite differences).</summary>
    internal Span<double> Parameters => _theta;

    private int B1 => HiddenUnits * InputDimension;

    private int W2 => B1 + HiddenUnits;

    private int B2 => W2 + HiddenUnits;

    /// <summary>Predicts the score of one input.</summary>
    /// <param name="x">The input (length <see cref="InputDimension"/>).</param>
    /// <returns>M(x; θ).</returns>
    public double Predict(ReadOnlySpan<double> x)
    {
        CheckInput(x);
        double y = _theta[B2];
        for (int j = 0; j < HiddenUnits; j++)
        {
            y += _theta[W2 + j] * Hidden(j, x);
        }

        return y;
    }

    /// <summary>Computes the weighted mean squared error Σ wᵢ(M(xᵢ) − yᵢ)² / Σ wᵢ.</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="weights">Non-negative row weights, or <see langword="null"/> for 1 each.</param>
    /// <returns>The loss (0 for an empty set).</returns>
    public double Loss(IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, IReadOnlyList<double>? weights = null)
    {
        Check(inputs, targets, weights);
        double sum = 0, total = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            double w = weights?[i] ?? 1, r = Predict(inputs[i]) - targets[i];
            sum += w * r * r;
            total += w;
        }

        return total > 0 ? sum / total : 0;
    }

    /// <summary>
    /// Trains on the set for <see cref="ScoreNetworkOptions.Epochs"/> epochs (or <paramref name="epochs"/>) with Adam,
    /// in shuffled mini-batches (or one full batch), continuing from the current weights when warm-starting.
    /// </summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="weights">Non-negative row weights, or <see langword="null"/> for 1 each.</param>
    /// <param name="epochs">Overrides the number of epochs, or <see langword="null"/>.</param>
    /// <returns>The weighted MSE on the whole set after training.</returns>
    public double Fit(IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, IReadOnlyList<double>? weights = null, int? epochs = null)
    {
        Train(inputs, targets, weights, epochs);
        return Loss(inputs, targets, weights);
    }

    /// <summary>
    /// <see cref="Fit"/> without the loss it returns: the same training, bit for bit (callers that ignore the loss skip its
    /// extra forward pass).
    /// </summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="weights">Non-negative row weights, or <see langword="null"/> for 1 each.</param>
    /// <param name="epochs">Overrides the number of epochs, or <see langword="null"/>.</param>
    internal void Train(IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, IReadOnlyList<double>? weights = null, int? epochs = null)
    {
        Check(inputs, targets, weights);
        if (!Options.WarmStart)
        {
            Initialize();
        }

        int n = inputs.Count;
        if (n == 0)
        {
            return;
        }

        int batch = Math.Min(n, Options.BatchSize is { } b && b > 0 ? b : n);
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // Kept between fits, not copied into snapshots (a fresh ≥ 85 KB array per fit lands on the large-object heap).
        // The Adam step leaves it cleared for the next batch.
        var grad = _gradient ??= new double[ParameterCount];
        Array.Clear(grad);
        for (int e = 0; e < (epochs ?? Options.Epochs); e++)
        {
            if (batch < n)
            {
                _rng.Shuffle(order);
            }

            for (int start = 0; start < n; start += batch)
            {
                int count = Math.Min(batch, n - start);
                Accumulate(inputs, targets, weights, order.AsSpan(start, count), grad, adam: true);
            }
        }
    }

    /// <summary>Predicts the scores of several inputs: <c>outputs[r]</c> = <see cref="Predict"/>(<c>inputs[r]</c>), bit for bit.</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="outputs">Receives the predictions (the same length as <paramref name="inputs"/>).</param>
    internal void PredictMany(IReadOnlyList<double[]> inputs, Span<double> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (outputs.Length != inputs.Count)
        {
            throw new ArgumentException("One output per input.", nameof(outputs));
        }

        int n = inputs.Count;
        var xs = Rows(n);
        for (int r = 0; r < n; r++)
        {
            CheckInput(inputs[r]);
            xs[r] = inputs[r];
        }

        Forward(xs.AsSpan(0, n), Buffer(ref _act, HiddenUnits * n), outputs);
    }

    /// <summary>Returns an independent copy of the network (weights and optimiser state).</summary>
    /// <returns>The copy.</returns>
    public ScoreNetwork Snapshot() => new(this);

    /// <summary>
    /// Makes this network's weights and Adam state (θ, m, v and the step count) a copy of <paramref name="source"/>'s, which
    /// must have the same shape and options; the seeded stream and the work buffers stay this network's own.
    /// </summary>
    /// <param name="source">The network to copy.</param>
    internal void CopyStateFrom(ScoreNetwork source)
    {
        CheckSameShape(source);
        source._theta.CopyTo(_theta, 0);
        source._m.CopyTo(_m, 0);
        source._v.CopyTo(_v, 0);
        _adamStep = source._adamStep;
    }

    /// <summary>
    /// Returns a network of this one's shape and options whose state is to be set by <see cref="CopyStateFrom"/> (a spare
    /// for a fit on a copy): it skips the initialisation a new network draws, which <see cref="CopyStateFrom"/> overwrites.
    /// </summary>
    /// <returns>The spare network.</returns>
    internal ScoreNetwork CreateSpare() => new(Options, InputDimension);

    /// <summary>
    /// Exchanges this network's weights and Adam state (θ, m, v and the step count) with <paramref name="other"/>'s, which
    /// must have the same shape and options; the seeded streams and the work buffers stay where they are. For this network
    /// the same as <see cref="CopyStateFrom"/> without copying (<paramref name="other"/> gets this one's old state).
    /// </summary>
    /// <param name="other">The other network.</param>
    internal void ExchangeStateWith(ScoreNetwork other)
    {
        CheckSameShape(other);
        (_theta, other._theta) = (other._theta, _theta);
        (_m, other._m) = (other._m, _m);
        (_v, other._v) = (other._v, _v);
        (_adamStep, other._adamStep) = (other._adamStep, _adamStep);
    }

    /// <summary>Re-initialises the weights (Kaiming normal, biases 0) and the Adam state, drawing from the network's seeded stream.</summary>
    public void Reset()
    {
        _rng.NextDouble(); // keep the stream moving so successive resets differ deterministically
        Initialize();
    }

    /// <summary>Computes the loss over all rows and its gradient with respect to θ (for gradient checks).</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="weights">Row weights, or <see langword="null"/>.</param>
    /// <param name="gradient">Receives ∂loss/∂θ (length <see cref="ParameterCount"/>).</param>
    /// <returns>The weighted MSE.</returns>
    internal double LossAndGradient(IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, IReadOnlyList<double>? weights, double[] gradient)
    {
        Array.Clear(gradient);
        var all = Enumerable.Range(0, inputs.Count).ToArray();
        return Accumulate(inputs, targets, weights, all, gradient, adam: false);
    }

    /// <summary>Adds the gradient of the batch's weighted MSE to <paramref name="grad"/>; returns the batch loss.</summary>
    /// <remarks>
    /// Loops run hidden-unit-outer, row-inner, so a row of W1 and of its gradient stay in cache across the batch. The
    /// rank-one updates of a W1 gradient row are applied in one pass over it, row after row for each element:
    /// gⱼₖ ← (x_{r₁k}·dz₁ + gⱼₖ), then (x_{r₂k}·dz₂ + that), … — the same operations in the same order as one
    /// multiply-add pass per row, without re-reading and re-writing gⱼ for each row.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: optimised from the first call, not after tiering (same arithmetic)
    private double Accumulate(IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, IReadOnlyList<double>? weights, ReadOnlySpan<int> rows, double[] grad, bool adam)
    {
        double total = 0;
        foreach (var i in rows)
        {
            total += weights?[i] ?? 1;
        }

        if (total <= 0)
        {
            if (adam)
            {
                NextAdamStep().Apply(grad, _m, _v, _theta); // a zero gradient still moves θ by the momentum
            }

            return 0;
        }

        int d = InputDimension, h = HiddenUnits, n = rows.Length;
        var xs = Rows(n);
        for (int r = 0; r < n; r++)
        {
            xs[r] = inputs[rows[r]];
        }

        var act = Buffer(ref _act, h * n);
        var y = Buffer(ref _y, n);
        Forward(xs.AsSpan(0, n), act, y);
        double loss = 0;
        var dy = Buffer(ref _dy, n);
        for (int r = 0; r < n; r++)
        {
            int i = rows[r];
            double w = weights?[i] ?? 1, res = y[r] - targets[i];
            loss += w * res * res / total;
            dy[r] = 2 * w * res / total;
            grad[B2] += dy[r];
        }

        // Backward. With adam, each row of W1 takes its Adam step as soon as its gradient is complete (in a scratch row
        // that stays in cache): θ, m and v are read and written once per step, and the gradient of W1 never goes to memory.
        // Adam is element-wise and the row's gradient is final, so this is the same arithmetic as a step after the pass.
        var dz = Buffer(ref _dz, n);
        var active = _active is { Length: var length } && length >= n ? _active : (_active = new int[n]);
        var adamStep = adam ? NextAdamStep() : default;
        var scratch = adam ? Buffer(ref _row, d) : default;
        for (int j = 0; j < h; j++)
        {
            double w2 = _theta[W2 + j];
            int count = 0;
            for (int r = 0; r < n; r++)
            {
                double a = act[(j * n) + r];
                if (a <= 0)
                {
                    continue;
                }

                grad[W2 + j] += dy[r] * a;
                double z = dy[r] * w2;
                grad[B1 + j] += z;
                active[count] = r;
                dz[count++] = z;
            }

            var gj = adam ? scratch : grad.AsSpan(j * d, d);
            AddScaledRows(xs, active.AsSpan(0, count), dz[..count], gj); // gⱼ += dzᵣ · xᵣ, r in order
            if (adam)
            {
                adamStep.Apply(gj, _m.AsSpan(j * d, d), _v.AsSpan(j * d, d), _theta.AsSpan(j * d, d));
            }
        }

        if (adam)
        {
            // b1, w2 and b2, whose gradients are complete now (w2 was read above before it changed).
            adamStep.Apply(grad.AsSpan(B1), _m.AsSpan(B1), _v.AsSpan(B1), _theta.AsSpan(B1));
        }

        return loss;
    }

    /// <summary>g ← (…((x_{r₁}·s₁ + g) + x_{r₂}·s₂)… + x_{rₖ}·sₖ) element-wise, products and sums rounded one at a time (no fused multiply-add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: optimised from the first call, not after tiering (same arithmetic)
    private static void AddScaledRows(double[][] xs, ReadOnlySpan<int> rows, ReadOnlySpan<double> scales, Span<double> g)
    {
        if (rows.IsEmpty)
        {
            return;
        }

        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<double>.Count;
            for (; k <= g.Length - width; k += width)
            {
                var acc = new Vector<double>(g.Slice(k, width));
                for (int r = 0; r < rows.Length; r++)
                {
                    acc = (new Vector<double>(xs[rows[r]].AsSpan(k, width)) * scales[r]) + acc;
                }

                acc.CopyTo(g.Slice(k, width));
            }
        }

        for (; k < g.Length; k++)
        {
            double acc = g[k];
            for (int r = 0; r < rows.Length; r++)
            {
                acc = (xs[rows[r]][k] * scales[r]) + acc;
            }

            g[k] = acc;
        }
    }

    /// <summary>Advances Adam's step count and returns the step's constants.</summary>
    private AdamConstants NextAdamStep()
    {
        _adamStep++;
        double b1 = Options.Beta1, b2 = Options.Beta2;
        double c1 = 1 - Math.Pow(b1, _adamStep), c2 = 1 - Math.Pow(b2, _adamStep);
        double lr = Options.LearningRate * Math.Sqrt(c2) / c1;
        double eps = Options.Epsilon * Math.Sqrt(c2);
        return new AdamConstants(b1, b2, lr, eps);
    }

    /// <summary>
    /// One Adam step: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², θ ← θ − α̂·m / (√v + ε̂), with the bias corrections
    /// folded into α̂ = α·√(1 − β2ᵗ) / (1 − β1ᵗ) and ε̂ = ε·√(1 − β2ᵗ).
    /// </summary>
    /// <remarks>
    /// Per element it performs exactly these roundings, in this order: m ← (g·(1 − β1)) + (m·β1); s ← (g·(1 − β2))·g;
    /// v ← (v·β2) + s; θ ← θ − (m·α̂) / (√v + ε̂) — each product, sum, quotient and square root rounded on its own (no fused
    /// multiply-add), so any vector width and any split of θ into ranges gives the same bits.
    /// </remarks>
    private readonly record struct AdamConstants(double Beta1, double Beta2, double LearningRate, double Epsilon)
    {
        /// <summary>Applies the step to a range of θ with its gradient, and clears the gradient.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply(Span<double> gs, Span<double> ms, Span<double> vs, Span<double> ts)
        {
            double b1 = Beta1, b2 = Beta2, lr = LearningRate, eps = Epsilon, g1 = 1 - b1, g2 = 1 - b2;
            int length = ts.Length, k = 0;
            if (Vector.IsHardwareAccelerated)
            {
                int width = Vector<double>.Count;
                var e = new Vector<double>(eps);
                for (; k <= length - width; k += width)
                {
                    var g = new Vector<double>(gs.Slice(k, width));
                    var m = (g * g1) + (new Vector<double>(ms.Slice(k, width)) * b1);
                    var v = (new Vector<double>(vs.Slice(k, width)) * b2) + ((g * g2) * g);
                    var theta = new Vector<double>(ts.Slice(k, width)) - ((m * lr) / (Vector.SquareRoot(v) + e));
                    m.CopyTo(ms.Slice(k, width));
                    v.CopyTo(vs.Slice(k, width));
                    theta.CopyTo(ts.Slice(k, width));
                    Vector<double>.Zero.CopyTo(gs.Slice(k, width));
                }
            }

            for (; k < length; k++)
            {
                double g = gs[k];
                double m = (g * g1) + (ms[k] * b1);
                double v = (vs[k] * b2) + ((g * g2) * g);
                ms[k] = m;
                vs[k] = v;
                ts[k] -= (m * lr) / (Math.Sqrt(v) + eps);
                gs[k] = 0;
            }
        }
    }

    private void Initialize()
    {
        // Kaiming (He) normal: std = sqrt(2 / fan_in) for both layers; biases 0.
        double s1 = Math.Sqrt(2.0 / InputDimension), s2 = Math.Sqrt(2.0 / HiddenUnits);
        for (int k = 0; k < B1; k++)
        {
            _theta[k] = s1 * Gaussian();
        }

        Array.Clear(_theta, B1, HiddenUnits);
        for (int j = 0; j < HiddenUnits; j++)
        {
            _theta[W2 + j] = s2 * Gaussian();
        }

        _theta[B2] = 0;
        _m = new double[ParameterCount];
        _v = new double[ParameterCount];
        _adamStep = 0;
    }

    private double Gaussian()
    {
        double u1 = 1.0 - _rng.NextDouble();
        double u2 = _rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Validates the public constructor's arguments (in its order) and returns the options.</summary>
    private static ScoreNetworkOptions Checked(int inputDimension, ScoreNetworkOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HiddenUnits, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LearningRate, nameof(options));
        return options;
    }

    private void CheckSameShape(ScoreNetwork other)
    {
        if (other.InputDimension != InputDimension || other.HiddenUnits != HiddenUnits || other.Options != Options)
        {
            throw new ArgumentException("The networks differ in shape or options.", nameof(other));
        }
    }

    private void CheckInput(ReadOnlySpan<double> x)
    {
        if (x.Length != InputDimension)
        {
            throw new ArgumentException($"Expected an input of length {InputDimension}, got {x.Length}.", nameof(x));
        }
    }

    private void Check(IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, IReadOnlyList<double>? weights)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count != inputs.Count || (weights is not null && weights.Count != inputs.Count))
        {
            throw new ArgumentException("Inputs, targets and weights must have the same length.", nameof(targets));
        }

        foreach (var x in inputs)
        {
            CheckInput(x);
        }
    }

    /// <summary>Hidden unit j's activation ReLU(b1ⱼ + W1ⱼ·x).</summary>
    private double Hidden(int j, ReadOnlySpan<double> x)
    {
        double z = _theta[B1 + j] + TensorPrimitives.Dot(_theta.AsSpan(j * InputDimension, InputDimension), x);
        return z > 0 ? z : 0;
    }

    /// <summary>
    /// The forward pass over a batch: act[j·n + r] = ReLU(b1ⱼ + W1ⱼ·xᵣ) and y[r] = b2 + Σⱼ w2ⱼ·act[j·n + r], summed in the
    /// order of j as <see cref="Predict"/> does.
    /// </summary>
    /// <remarks>
    /// The hidden units are taken <see cref="ForwardTile"/> at a time and each row xᵣ is dotted with all of the tile's rows
    /// of W1 while it is in cache, so xᵣ is read from memory once per tile instead of once per unit. Every activation is
    /// still the one dot product <see cref="Hidden"/> computes, on the same memory, so the values do not change.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: optimised from the first call, not after tiering (same arithmetic)
    private void Forward(ReadOnlySpan<double[]> xs, Span<double> act, Span<double> y)
    {
        int n = xs.Length, tile = ForwardTile;
        for (int j0 = 0; j0 < HiddenUnits; j0 += tile)
        {
            int j1 = Math.Min(HiddenUnits, j0 + tile);
            for (int r = 0; r < n; r++)
            {
                for (int j = j0; j < j1; j++)
                {
                    act[(j * n) + r] = Hidden(j, xs[r]);
                }
            }
        }

        y.Fill(_theta[B2]);
        for (int j = 0; j < HiddenUnits; j++)
        {
            TensorPrimitives.MultiplyAdd(act.Slice(j * n, n), _theta[W2 + j], y, y);
        }
    }

    private double[][] Rows(int n) => _rows is { Length: var length } && length >= n ? _rows : (_rows = new double[n][]);

    private static Span<double> Buffer(ref double[]? buffer, int n) => (buffer is { Length: var length } && length >= n ? buffer : (buffer = new double[n])).AsSpan(0, n);
}
