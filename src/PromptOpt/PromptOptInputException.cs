namespace PromptOpt;

/// <summary>
/// A mistake in user input (a bad file, spec, option or name). Its message is one line that says what was expected
/// (with file and line where there is one); the CLI prints it and exits with code 2, never with a stack trace.
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
    /// <param name="innerException">The cause.</param>
    public PromptOptInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
