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
/// <para>The vector work (the dot products W1ⱼ·x, the rank-one updates of the W1 gradient, the output sums and Adam over
/// θ) runs in <see cref="TensorPrimitives"/>, whose code is optimised even when this assembly is built in Debug. Dot
/// products are summed in its vectorised order, so results can differ from a sequential sum in the last bits and
/// between machines of different vector widths; the element-wise steps are exact (no fused multiply-add).</para>
/// </remarks>
public sealed class ScoreNetwork
{
    /// <summary>The Adam step runs over θ in blocks of this many parameters, so its passes stay in cache.</summary>
    private const int AdamBlock = 2048;

    private readonly double[] _theta;
    private double[] _m;
    private double[] _v;
    private long _adamStep;
    private readonly Random _rng;
    private double[]? _gradient;
    private double[]? _work;

    /// <summary>Initializes a new instance of the <see cref="ScoreNetwork"/> class.</summary>
    /// <param name="inputDimension">The input dimension.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    public ScoreNetwork(int inputDimension, ScoreNetworkOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimension, 1);
        Options = options ?? new();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.HiddenUnits, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Epochs, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.LearningRate, nameof(options));
        InputDimension = inputDimension;
        HiddenUnits = Options.HiddenUnits;
        _theta = new double[ParameterCount];
        _m = new double[ParameterCount];
        _v = new double[ParameterCount];
        _rng = new Random(Options.Seed);
        Initialize();
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
        Check(inputs, targets, weights);
        if (!Options.WarmStart)
        {
            Initialize();
        }

        int n = inputs.Count;
        if (n == 0)
        {
            return 0;
        }

        int batch = Math.Min(n, Options.BatchSize is { } b && b > 0 ? b : n);
        var order = Enumerable.Range(0, n).ToArray();
        // Kept between fits, not copied into snapshots (a fresh ≥ 85 KB array per fit lands on the large-object heap).
        var grad = _gradient ??= new double[ParameterCount];
        var work = _work ??= new double[2 * AdamBlock];
        for (int e = 0; e < (epochs ?? Options.Epochs); e++)
        {
            if (batch < n)
            {
                _rng.Shuffle(order);
            }

            for (int start = 0; start < n; start += batch)
            {
                int count = Math.Min(batch, n - start);
                Array.Clear(grad);
                Accumulate(inputs, targets, weights, order.AsSpan(start, count), grad);
                AdamStep(grad, work);
            }
        }

        return Loss(inputs, targets, weights);
    }

    /// <summary>Returns an independent copy of the network (weights and optimiser state).</summary>
    /// <returns>The copy.</returns>
    public ScoreNetwork Snapshot() => new(this);

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
        return Accumulate(inputs, targets, weights, all, gradient);
    }

    /// <summary>Adds the gradient of the batch's weighted MSE to <paramref name="grad"/>; returns the batch loss.</summary>
    /// <remarks>Loops run hidden-unit-outer, row-inner, so a row of W1 and of its gradient stay in cache across the batch.</remarks>
    private double Accumulate(IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, IReadOnlyList<double>? weights, ReadOnlySpan<int> rows, double[] grad)
    {
        double total = 0;
        foreach (var i in rows)
        {
            total += weights?[i] ?? 1;
        }

        if (total <= 0)
        {
            return 0;
        }

        int d = InputDimension, h = HiddenUnits, n = rows.Length;
        var xs = new double[n][];
        for (int r = 0; r < n; r++)
        {
            xs[r] = inputs[rows[r]];
        }

        var act = new double[h * n];
        var y = new double[n];
        Forward(xs, act, y);
        double loss = 0;
        var dy = new double[n];
        for (int r = 0; r < n; r++)
        {
            int i = rows[r];
            double w = weights?[i] ?? 1, res = y[r] - targets[i];
            loss += w * res * res / total;
            dy[r] = 2 * w * res / total;
            grad[B2] += dy[r];
        }

        // Backward.
        for (int j = 0; j < h; j++)
        {
            var gj = grad.AsSpan(j * d, d);
            double w2 = _theta[W2 + j];
            for (int r = 0; r < n; r++)
            {
                double a = act[(j * n) + r];
                if (a <= 0)
                {
                    continue;
                }

                grad[W2 + j] += dy[r] * a;
                double dz = dy[r] * w2;
                grad[B1 + j] += dz;
                TensorPrimitives.MultiplyAdd(xs[r], dz, gj, gj); // gⱼ += dz · xᵣ
            }
        }

        return loss;
    }

    /// <summary>
    /// One Adam step over θ: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², θ ← θ − α̂·m / (√v + ε̂), with the bias
    /// corrections folded into α̂ = α·√(1 − β2ᵗ) / (1 − β1ᵗ) and ε̂ = ε·√(1 − β2ᵗ).
    /// </summary>
    /// <param name="grad">The gradient g (read only).</param>
    /// <param name="work">Work space of 2 × <see cref="AdamBlock"/>.</param>
    private void AdamStep(double[] grad, double[] work)
    {
        _adamStep++;
        double b1 = Options.Beta1, b2 = Options.Beta2;
        double c1 = 1 - Math.Pow(b1, _adamStep), c2 = 1 - Math.Pow(b2, _adamStep);
        double lr = Options.LearningRate * Math.Sqrt(c2) / c1;
        double eps = Options.Epsilon * Math.Sqrt(c2);
        for (int start = 0; start < _theta.Length; start += AdamBlock)
        {
            int length = Math.Min(AdamBlock, _theta.Length - start);
            ReadOnlySpan<double> g = grad.AsSpan(start, length);
            Span<double> m = _m.AsSpan(start, length), v = _v.AsSpan(start, length), theta = _theta.AsSpan(start, length);
            Span<double> step = work.AsSpan(0, length), denominator = work.AsSpan(AdamBlock, length);

            // m ← β1·m + (1 − β1)·g
            TensorPrimitives.Multiply(m, b1, m);
            TensorPrimitives.MultiplyAdd(g, 1 - b1, m, m);

            // v ← β2·v + ((1 − β2)·g)·g
            TensorPrimitives.Multiply(g, 1 - b2, step);
            TensorPrimitives.Multiply(step, g, step);
            TensorPrimitives.MultiplyAdd(v, b2, step, v);

            // θ ← θ − (α̂·m) / (√v + ε̂)
            TensorPrimitives.Sqrt(v, denominator);
            TensorPrimitives.Add(denominator, eps, denominator);
            TensorPrimitives.Multiply(m, lr, step);
            TensorPrimitives.Divide(step, denominator, step);
            TensorPrimitives.Subtract(theta, step, theta);
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
    /// The forward pass over a batch: act[j·n + r] = ReLU(b1ⱼ + W1ⱼ·xᵣ) (by hidden unit, so a row of W1 stays in cache
    /// across the rows) and y[r] = b2 + Σⱼ w2ⱼ·act[j·n + r], summed in the order of j as <see cref="Predict"/> does.
    /// </summary>
    private void Forward(ReadOnlySpan<double[]> xs, Span<double> act, Span<double> y)
    {
        int n = xs.Length;
        for (int j = 0; j < HiddenUnits; j++)
        {
            var aj = act.Slice(j * n, n);
            for (int r = 0; r < n; r++)
            {
                aj[r] = Hidden(j, xs[r]);
            }
        }

        y.Fill(_theta[B2]);
        for (int j = 0; j < HiddenUnits; j++)
        {
            TensorPrimitives.MultiplyAdd(act.Slice(j * n, n), _theta[W2 + j], y, y);
        }
    }
}
