using System.Numerics;
using System.Runtime.InteropServices;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// The score estimator M(·; θ) of EXPO (ALGORITHMS.md §1.2, §1.5, §5): an MLP regressor input → hidden ReLU → 1,
/// Kaiming-initialised from a seed, trained with Adam on (weighted) mean squared error, in double precision.
/// </summary>
/// <remarks>
/// Parameters live in one flat array θ = [W1 (hidden × input, row-major) | b1 | w2 | b2]. With
/// <see cref="ScoreNetworkOptions.WarmStart"/> a fit continues from the previous weights. Not thread-safe;
/// <see cref="Snapshot"/> returns an independent copy (EXPO-ES keeps past snapshots).
/// </remarks>
public sealed class ScoreNetwork
{
    private readonly double[] _theta;
    private double[] _m;
    private double[] _v;
    private long _adamStep;
    private readonly Random _rng;

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
            double z = _theta[B1 + j] + Dot(_theta.AsSpan(j * InputDimension, InputDimension), x);
            if (z > 0)
            {
                y += _theta[W2 + j] * z;
            }
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
        var grad = new double[ParameterCount];
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
                AdamStep(grad);
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

        // Forward: z[r, j] (kept in `act`, row-major by hidden unit), then the outputs.
        var act = new double[h * n];
        for (int j = 0; j < h; j++)
        {
            var wj = _theta.AsSpan(j * d, d);
            double bj = _theta[B1 + j];
            for (int r = 0; r < n; r++)
            {
                double z = bj + Dot(wj, xs[r]);
                act[(j * n) + r] = z > 0 ? z : 0;
            }
        }

        double loss = 0;
        var dy = new double[n];
        for (int r = 0; r < n; r++)
        {
            double y = _theta[B2];
            for (int j = 0; j < h; j++)
            {
                y += _theta[W2 + j] * act[(j * n) + r];
            }

            int i = rows[r];
            double w = weights?[i] ?? 1, res = y - targets[i];
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
                Axpy(dz, xs[r], gj);
            }
        }

        return loss;
    }

    private void AdamStep(double[] grad)
    {
        _adamStep++;
        double b1 = Options.Beta1, b2 = Options.Beta2;
        double c1 = 1 - Math.Pow(b1, _adamStep), c2 = 1 - Math.Pow(b2, _adamStep);
        double lr = Options.LearningRate * Math.Sqrt(c2) / c1;
        double eps = Options.Epsilon * Math.Sqrt(c2);
        int k = 0;
        if (Vector.IsHardwareAccelerated && _theta.Length >= Vector<double>.Count)
        {
            var theta = MemoryMarshal.Cast<double, Vector<double>>(_theta.AsSpan());
            var m = MemoryMarshal.Cast<double, Vector<double>>(_m.AsSpan());
            var v = MemoryMarshal.Cast<double, Vector<double>>(_v.AsSpan());
            var g = MemoryMarshal.Cast<double, Vector<double>>(grad.AsSpan());
            Vector<double> vb1 = new(b1), vb1c = new(1 - b1), vb2 = new(b2), vb2c = new(1 - b2), vlr = new(lr), veps = new(eps);
            for (int i = 0; i < theta.Length; i++)
            {
                var gi = g[i];
                m[i] = (vb1 * m[i]) + (vb1c * gi);
                v[i] = (vb2 * v[i]) + (vb2c * gi * gi);
                theta[i] -= vlr * m[i] / (Vector.SquareRoot(v[i]) + veps);
            }

            k = theta.Length * Vector<double>.Count;
        }

        for (; k < _theta.Length; k++)
        {
            double g = grad[k];
            _m[k] = (b1 * _m[k]) + ((1 - b1) * g);
            _v[k] = (b2 * _v[k]) + ((1 - b2) * g * g);
            _theta[k] -= lr * _m[k] / (Math.Sqrt(_v[k]) + eps);
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

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..a.Length]);
            Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero, acc2 = Vector<double>.Zero, acc3 = Vector<double>.Zero;
            int k = 0;
            for (; k + 4 <= va.Length; k += 4)
            {
                // Four independent accumulators hide the add latency.
                acc0 += va[k] * vb[k];
                acc1 += va[k + 1] * vb[k + 1];
                acc2 += va[k + 2] * vb[k + 2];
                acc3 += va[k + 3] * vb[k + 3];
            }

            for (; k < va.Length; k++)
            {
                acc0 += va[k] * vb[k];
            }

            s = Vector.Sum((acc0 + acc1) + (acc2 + acc3));
            i = va.Length * Vector<double>.Count;
        }

        for (; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var va = new Vector<double>(alpha);
            for (int k = 0; k < vx.Length; k++)
            {
                vy[k] += va * vx[k];
            }

            i = vx.Length * Vector<double>.Count;
        }

        for (; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }
}
