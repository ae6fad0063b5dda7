namespace PromptOpt;

/// <summary>
/// Base class of errors caused by user input (a bad spec, file, option or environment setting). The message is one
/// line naming what was wrong and what was expected; the command line maps these errors to exit code 2.
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
    /// <param name="innerException">The inner exception.</param>
    public PromptOptInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
