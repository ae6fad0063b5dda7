using System.Globalization;

namespace PromptOpt.Data;

/// <summary>
/// Thrown when a dataset file is missing or malformed. The message is one line, <c>&lt;file&gt;:&lt;line&gt;: &lt;what was
/// expected&gt;</c>, or <c>&lt;path&gt;: &lt;what was expected&gt;</c> when the problem is not on a particular line (a missing
/// file or a directory without <c>train.jsonl</c>/<c>test.jsonl</c>).
/// </summary>
public sealed class DataFormatException : PromptOptInputException
{
    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class.</summary>
    public DataFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    /// <param name="innerException">The underlying error.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class for a place in a file.</summary>
    /// <param name="filePath">The file (or directory) as the user named it.</param>
    /// <param name="lineNumber">The 1-based line, or <see langword="null"/> when the problem concerns the whole path.</param>
    /// <param name="expected">What was expected there (one line).</param>
    /// <param name="innerException">The underlying error, or <see langword="null"/>.</param>
    public DataFormatException(string filePath, int? lineNumber, string expected, Exception? innerException = null)
        : base(Format(filePath, lineNumber, expected), innerException!)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Expected = expected;
    }

    /// <summary>Gets the file or directory the problem is in, or <see langword="null"/>.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line number, or <see langword="null"/> when the problem concerns the whole path.</summary>
    public int? LineNumber { get; }

    /// <summary>Gets what was expected, without the location prefix, or <see langword="null"/>.</summary>
    public string? Expected { get; }

    private static string Format(string filePath, int? lineNumber, string expected)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(expected);

        // One line, always: the CLI prints the message as is.
        var what = expected.ReplaceLineEndings(" ");
        return lineNumber is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{filePath}:{n}: {what}")
            : $"{filePath}: {what}";
    }
}
