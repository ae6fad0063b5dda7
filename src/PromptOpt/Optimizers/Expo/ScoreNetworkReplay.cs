using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PromptOpt.Storage;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// Lets a replayed EXPO / EXPO-ES run skip its score-network fits: what a learner computes with its network after the
/// fits (every arm's prediction; the exemplar candidates' summed scores) is stored in the run's
/// <see cref="RunCheckpoints"/> under a SHA-256 key of everything it depends on, and a replay that reaches the same key
/// takes the stored doubles instead of fitting and predicting.
/// </summary>
/// <remarks>
/// <para>The key hashes a format version, this build (the library's informational version, which names its commit, the
/// tensor library's version, the runtime, the machine's vector widths, which change the dot products' last bits), the
/// learner's name, network options, input dimension, settings and fixed inputs, then every training observation so far
/// as a hash chain, then the query (e.g. the candidates' embeddings). So a checkpoint from another build, machine,
/// option or history is never found, and the learner computes instead: a stored network output is never a wrong one.</para>
/// <para>With checkpoints the fits are deferred: they run only when an output is not stored (a resumed run past the step
/// where it was killed; a store written by another build), and then every deferred fit runs first, in order, on the data
/// it would have had, so the network reaches exactly the state of an uninterrupted run. Without checkpoints each fit
/// runs at once, as it always did.</para>
/// <para>Stored value: the outputs as little-endian IEEE 754 doubles, 8 bytes each (EXPO's 25 arms: 200 bytes per step;
/// EXPO-ES's 8 candidate sets: 64 bytes per step), under a key of the learner's name and 64 hex digits.</para>
/// </remarks>
internal sealed class ScoreNetworkReplay
{
    /// <summary>The version of the key and value format: bump it when either changes.</summary>
    internal const int FormatVersion = 1;

    /// <summary>Gets the description of this build that every key includes (library and tensor versions, runtime, vector widths).</summary>
    internal static readonly string Build = DescribeBuild();

    private readonly RunCheckpoints? _checkpoints;
    private readonly string _learner;
    private readonly Queue<Action> _pending = new();
    private byte[] _chain;

    /// <summary>Initializes a new instance of the <see cref="ScoreNetworkReplay"/> class.</summary>
    /// <param name="checkpoints">The run's checkpoints, or <see langword="null"/> to fit every time.</param>
    /// <param name="learner">The learner's name in the run (e.g. <c>expo.arms</c>), the keys' prefix.</param>
    /// <param name="network">The network options (seed included).</param>
    /// <param name="inputDimension">The network's input dimension.</param>
    /// <param name="settings">Any other setting the outputs depend on (e.g. the snapshot cap), as text.</param>
    /// <param name="fixedInputs">Inputs the outputs depend on that never change (the arms' embeddings), or <see langword="null"/>.</param>
    /// <param name="build">The build description, or <see langword="null"/> for <see cref="Build"/> (tests stand in another build).</param>
    public ScoreNetworkReplay(
        RunCheckpoints? checkpoints, string learner, ScoreNetworkOptions network, int inputDimension, string settings, IReadOnlyList<double[]>? fixedInputs = null, string? build = null)
    {
        _checkpoints = checkpoints;
        _learner = learner;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"promptopt/expo/score-network-replay v{FormatVersion}\n{build ?? Build}\n{learner}\n{JsonSerializer.Serialize(network)}\n{inputDimension}\n{settings}\n")));
        foreach (var x in fixedInputs ?? [])
        {
            hash.AppendData(Bytes(x));
        }

        _chain = hash.GetHashAndReset();
    }

    /// <summary>Gets the number of fits run (now or caught up).</summary>
    public int Fits { get; private set; }

    /// <summary>Gets the number of outputs taken from the checkpoints instead of being computed.</summary>
    public int Replayed { get; private set; }

    /// <summary>Gets the number of fits deferred and not (yet) run.</summary>
    public int Deferred => _pending.Count;

    /// <summary>Records a training observation and its fit: runs the fit now without checkpoints, else defers it.</summary>
    /// <param name="observation">The observation's bytes (what the fit learns from that it did not know before).</param>
    /// <param name="fit">The fit (it must capture its data: it may run later).</param>
    public void Train(ReadOnlySpan<byte> observation, Action fit)
    {
        _chain = Chain(_chain, 1, observation);
        if (_checkpoints is null)
        {
            fit();
            Fits++;
        }
        else
        {
            _pending.Enqueue(fit);
        }
    }

    /// <summary>Gets whether the outputs for <paramref name="query"/> after one more observation, <paramref name="observation"/>, are stored (so a replay would take them).</summary>
    /// <param name="observation">The next observation's bytes.</param>
    /// <param name="query">The query's bytes.</param>
    /// <returns>Whether they are stored (never without checkpoints).</returns>
    public bool IsStoredAfter(ReadOnlySpan<byte> observation, ReadOnlySpan<byte> query) =>
        _checkpoints is not null
        && _checkpoints.TryGet(_learner + ":" + Convert.ToHexStringLower(Chain(Chain(_chain, 1, observation), 2, query)), out _);

    /// <summary>Returns the stored outputs for <paramref name="query"/> after the observations so far, or computes (and stores) them.</summary>
    /// <param name="query">The query's bytes (what the outputs depend on beyond the observations; empty when nothing).</param>
    /// <param name="count">The number of outputs.</param>
    /// <param name="compute">Computes the outputs with the network (called after every deferred fit has run).</param>
    /// <returns>The outputs.</returns>
    public double[] Outputs(ReadOnlySpan<byte> query, int count, Func<double[]> compute)
    {
        string? key = null;
        if (_checkpoints is not null)
        {
            key = _learner + ":" + Convert.ToHexStringLower(Chain(_chain, 2, query));
            if (_checkpoints.TryGet(key, out var data) && data.Length == count * sizeof(double))
            {
                var stored = new double[count];
                for (int i = 0; i < count; i++)
                {
                    stored[i] = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(i * sizeof(double)));
                }

                Replayed++;
                return stored;
            }
        }

        while (_pending.TryDequeue(out var fit))
        {
            fit();
            Fits++;
        }

        var outputs = compute();
        if (outputs.Length != count)
        {
            throw new InvalidOperationException($"Expected {count} outputs, computed {outputs.Length}.");
        }

        if (key is not null)
        {
            var bytes = new byte[count * sizeof(double)];
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), outputs[i]);
            }

            _checkpoints!.Add(key, bytes);
        }

        return outputs;
    }

    /// <summary>The bytes of doubles, little-endian (the observation and query encoding).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The bytes.</returns>
    internal static byte[] Bytes(ReadOnlySpan<double> values)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[i]);
        }

        return bytes;
    }

    private static byte[] Chain(byte[] previous, byte tag, ReadOnlySpan<byte> data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previous);
        hash.AppendData([tag]);
        Span<byte> length = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(length, data.Length);
        hash.AppendData(length);
        hash.AppendData(data);
        return hash.GetHashAndReset();
    }

    private static string DescribeBuild()
    {
        static string Version(Assembly a) => a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Version(typeof(ScoreNetwork).Assembly)}; tensors {Version(typeof(TensorPrimitives).Assembly)}; {RuntimeInformation.FrameworkDescription}; {RuntimeInformation.ProcessArchitecture}; " +
            $"vector {Vector<byte>.Count}, v128 {Vector128.IsHardwareAccelerated}, v256 {Vector256.IsHardwareAccelerated}, v512 {Vector512.IsHardwareAccelerated}");
    }
}
