namespace PromptOpt;

/// <summary>
/// Thrown when user input (a file, a task name, a model spec, an option value) is invalid. The message is one line naming
/// what was wrong and what was expected; the command line maps this exception (and its subclasses) to exit code 2.
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
