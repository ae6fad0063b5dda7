using System.Security.Cryptography;
using System.Text;

namespace PromptOpt.Data;

/// <summary>The named splits of a dataset.</summary>
public enum DataSplit
{
    /// <summary>The training split (what optimizers see).</summary>
    Train,

    /// <summary>The development split, when the dataset has one.</summary>
    Dev,

    /// <summary>The held-out test split.</summary>
    Test,
}

/// <summary>A dataset with train, dev and test splits.</summary>
public sealed class Dataset
{
    /// <summary>Initializes a new instance of the <see cref="Dataset"/> class.</summary>
    /// <param name="name">The dataset name.</param>
    /// <param name="train">The training split.</param>
    /// <param name="dev">The development split (may be empty).</param>
    /// <param name="test">The test split.</param>
    public Dataset(string name, IReadOnlyList<Example> train, IReadOnlyList<Example> dev, IReadOnlyList<Example> test)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Train = train ?? throw new ArgumentNullException(nameof(train));
        Dev = dev ?? throw new ArgumentNullException(nameof(dev));
        Test = test ?? throw new ArgumentNullException(nameof(test));
        Fingerprint = ComputeFingerprint(this);
    }

    /// <summary>Gets the dataset name.</summary>
    public string Name { get; }

    /// <summary>Gets the training split.</summary>
    public IReadOnlyList<Example> Train { get; }

    /// <summary>Gets the development split (empty when the source has none).</summary>
    public IReadOnlyList<Example> Dev { get; }

    /// <summary>Gets the test split.</summary>
    public IReadOnlyList<Example> Test { get; }

    /// <summary>Gets a short hash of every example's id, input and target, in split order.</summary>
    public string Fingerprint { get; }

    /// <summary>Gets all examples of every split.</summary>
    public IEnumerable<Example> All => Train.Concat(Dev).Concat(Test);

    /// <summary>Gets one split.</summary>
    /// <param name="split">The split.</param>
    /// <returns>The examples of that split.</returns>
    public IReadOnlyList<Example> GetSplit(DataSplit split) => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Dev => Dev,
        DataSplit.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    private static string ComputeFingerprint(Dataset d)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (tag, split) in new[] { ("train", d.Train), ("dev", d.Dev), ("test", d.Test) })
        {
            hash.AppendData(Encoding.UTF8.GetBytes(tag));
            foreach (var e in split)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(e.Id + "\u0001" + e.Input + "\u0001" + e.Target + "\u0002"));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
