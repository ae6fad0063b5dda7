namespace PromptOpt;

/// <summary>
/// An error in user input (a spec file, a command-line value, a dataset line). The message is one line naming the
/// file/line or option and what was expected; the CLI maps it to exit code 2.
/// </summary>
public class PromptOptInputException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PromptOptInputException"/> class.</summary>
    public PromptOptInputException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PromptOptInputException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    public PromptOptInputException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PromptOptInputException"/> class.</summary>
    /// <param name="message">The one-line message.</param>
    /// <param name="innerException">The underlying error.</param>
    public PromptOptInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
