using System.Globalization;

namespace PromptOpt.Bench;

/// <summary>A bench's bad command line: <c>Program</c> prints the reason and the bench's usage to stderr and exits with 2.</summary>
/// <param name="message">What is wrong.</param>
internal sealed class BenchUsageException(string message) : Exception(message);

/// <summary>
/// A bench's arguments, read before the bench does anything: positional ones (<c>cost opro 50</c>) or named ones
/// (<c>expo --seeds 10</c>). A malformed number, a missing value, an unknown name or too many arguments throws
/// <see cref="BenchUsageException"/>, never a <see cref="FormatException"/> from somewhere inside the run.
/// </summary>
internal sealed class BenchArgs
{
    private readonly string[] _args;
    private readonly Dictionary<string, string?> _named = new(StringComparer.Ordinal);

    private BenchArgs(string[] args) => _args = args;

    /// <summary>Positional arguments: at most <paramref name="max"/> of them (<paramref name="required"/> at least).</summary>
    /// <param name="args">The arguments after the bench's name.</param>
    /// <param name="max">The most there may be.</param>
    /// <param name="required">The fewest there may be.</param>
    /// <returns>The reader.</returns>
    public static BenchArgs Positional(string[] args, int max, int required = 0)
    {
        if (args.Length > max)
        {
            throw new BenchUsageException($"{args.Length} arguments, at most {max} expected (unexpected '{args[max]}')");
        }

        if (args.Length < required)
        {
            throw new BenchUsageException($"{required} argument{(required == 1 ? string.Empty : "s")} required, {args.Length} given");
        }

        return new(args);
    }

    /// <summary>Named arguments: <c>--name value</c> for <paramref name="valued"/>, <c>--name</c> alone for <paramref name="flags"/>, nothing else.</summary>
    /// <param name="args">The arguments after the bench's name.</param>
    /// <param name="valued">The names that take a value.</param>
    /// <param name="flags">The names that take none.</param>
    /// <returns>The reader.</returns>
    public static BenchArgs Named(string[] args, string[] valued, string[] flags)
    {
        var reader = new BenchArgs(args);
        for (int i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (flags.Contains(name))
            {
                reader._named[name] = null;
            }
            else if (valued.Contains(name))
            {
                if (i + 1 >= args.Length)
                {
                    throw new BenchUsageException($"{name} needs a value");
                }

                reader._named[name] = args[++i];
            }
            else
            {
                throw new BenchUsageException($"unknown argument '{name}'");
            }
        }

        return reader;
    }

    /// <summary>Gets whether the named flag was given.</summary>
    /// <param name="name">The flag.</param>
    /// <returns>Whether it was given.</returns>
    public bool Has(string name) => _named.ContainsKey(name);

    /// <summary>Gets a positional text argument.</summary>
    /// <param name="index">Its position.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The value.</returns>
    public string Text(int index, string fallback) => index < _args.Length ? _args[index] : fallback;

    /// <summary>Gets a named text argument.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The value, or <see langword="null"/> when not given.</returns>
    public string? Text(string name) => _named.TryGetValue(name, out var v) ? v : null;

    /// <summary>Gets a positional integer argument (at least <paramref name="min"/>).</summary>
    /// <param name="index">Its position.</param>
    /// <param name="name">Its name in the usage.</param>
    /// <param name="fallback">The default.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <returns>The value.</returns>
    public long Long(int index, string name, long fallback, long min = 0) => index < _args.Length ? ParseLong(_args[index], name, min) : fallback;

    /// <inheritdoc cref="Long(int, string, long, long)"/>
    public int Int(int index, string name, int fallback, int min = 0) => checked((int)Long(index, name, fallback, min));

    /// <summary>Gets a named integer argument (at least <paramref name="min"/>).</summary>
    /// <param name="name">Its name.</param>
    /// <param name="fallback">The default.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <returns>The value.</returns>
    public int Int(string name, int fallback, int min = 0) => Text(name) is { } v ? checked((int)ParseLong(v, name, min)) : fallback;

    /// <summary>Gets a positional comma-separated list of integers (each at least <paramref name="min"/>).</summary>
    /// <param name="index">Its position.</param>
    /// <param name="name">Its name in the usage.</param>
    /// <param name="fallback">The default list.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <returns>The values.</returns>
    public int[] Ints(int index, string name, string fallback, int min = 1) =>
        List(index, fallback).Select(s => checked((int)ParseLong(s, name, min))).ToArray();

    /// <summary>Gets a positional comma-separated list (empty items dropped; at least one required).</summary>
    /// <param name="index">Its position.</param>
    /// <param name="fallback">The default list.</param>
    /// <returns>The items.</returns>
    public string[] List(int index, string fallback)
    {
        var items = Text(index, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new BenchUsageException($"an empty list at position {index + 1}");
    }

    /// <summary>Gets a positional true/false argument.</summary>
    /// <param name="index">Its position.</param>
    /// <param name="name">Its name in the usage.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The value.</returns>
    public bool Bool(int index, string name, bool fallback) =>
        index >= _args.Length ? fallback
        : bool.TryParse(_args[index], out var b) ? b
        : throw new BenchUsageException($"{name} must be true or false, not '{_args[index]}'");

    /// <summary>Checks that every item is one of <paramref name="known"/>.</summary>
    /// <param name="items">The items.</param>
    /// <param name="what">What they are, for the message.</param>
    /// <param name="known">The allowed values.</param>
    /// <returns><paramref name="items"/>.</returns>
    public static string[] OneOf(string[] items, string what, IEnumerable<string> known)
    {
        var allowed = known.ToArray();
        foreach (var item in items)
        {
            if (!allowed.Contains(item, StringComparer.Ordinal))
            {
                throw new BenchUsageException($"unknown {what} '{item}' (known: {string.Join(", ", allowed)})");
            }
        }

        return items;
    }

    private static long ParseLong(string text, string name, long min) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw new BenchUsageException($"{name} must be an integer ≥ {min}, not '{text}'");
}
