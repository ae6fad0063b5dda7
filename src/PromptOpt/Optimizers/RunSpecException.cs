using System.Globalization;

namespace PromptOpt.Optimizers;

/// <summary>A run spec file is missing or malformed. The message is one line: <c>file:line: what was expected</c>.</summary>
public sealed class RunSpecException : PromptOptInputException
{
    /// <summary>Initializes a new instance of the <see cref="RunSpecException"/> class.</summary>
    public RunSpecException()
    {
        FilePath = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="RunSpecException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RunSpecException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="RunSpecException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RunSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="RunSpecException"/> class.</summary>
    /// <param name="filePath">The spec file as the user named it.</param>
    /// <param name="line">The 1-based line, or 0 when the problem is the whole file.</param>
    /// <param name="message">What is wrong and what was expected.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public RunSpecException(string filePath, int line, string message, Exception? innerException = null)
        : base(Format(filePath, line, message), innerException!)
    {
        FilePath = filePath;
        Line = line;
    }

    /// <summary>Gets the spec file as the user named it.</summary>
    public string FilePath { get; }

    /// <summary>Gets the 1-based line, or 0 when the problem concerns the whole file.</summary>
    public int Line { get; }

    private static string Format(string filePath, int line, string message) =>
        line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{filePath}:{line}: {message}") : $"{filePath}: {message}";
}
