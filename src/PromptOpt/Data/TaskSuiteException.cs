using System.Globalization;

namespace PromptOpt.Data;

/// <summary>
/// A mistake in a task-suite file. The message is one line, <c>&lt;file&gt;:&lt;line&gt;:&lt;column&gt;: &lt;what was
/// expected&gt;</c> (or <c>&lt;file&gt;: …</c> when the problem is not at a place in the file).
/// </summary>
public sealed class TaskSuiteException : PromptOptInputException
{
    /// <summary>Initializes a new instance of the <see cref="TaskSuiteException"/> class.</summary>
    public TaskSuiteException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskSuiteException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    public TaskSuiteException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskSuiteException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    /// <param name="innerException">The cause.</param>
    public TaskSuiteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskSuiteException"/> class for a place in a suite file.</summary>
    /// <param name="filePath">The suite file as the user named it.</param>
    /// <param name="line">The 1-based line, or 0 when the problem is not at a place in the file.</param>
    /// <param name="column">The 1-based column, or 0.</param>
    /// <param name="expected">What is wrong or expected there (one line).</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public TaskSuiteException(string filePath, int line, int column, string expected, Exception? innerException = null)
        : base(Format(filePath, line, column, expected), innerException!)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
    }

    /// <summary>Gets the suite file, or <see langword="null"/>.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line, or 0.</summary>
    public int Line { get; }

    /// <summary>Gets the 1-based column, or 0.</summary>
    public int Column { get; }

    private static string Format(string filePath, int line, int column, string expected)
    {
        var oneLine = expected.ReplaceLineEndings(" ");
        return line <= 0
            ? $"{filePath}: {oneLine}"
            : string.Create(CultureInfo.InvariantCulture, $"{filePath}:{line}:{Math.Max(1, column)}: {oneLine}");
    }
}
