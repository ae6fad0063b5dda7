using Spectre.Console;

namespace PromptOpt.Cli;

/// <summary>
/// Everything a command needs from its surroundings: where output goes (stdout/stderr writers and Spectre consoles over
/// them), whether they are terminals, the environment, the working directory. Tests build one over
/// <see cref="StringWriter"/>s and run commands in-process; <see cref="FromProcess"/> builds the real one.
/// Construction of stores, models and tasks lives in <see cref="CliServices"/>.
/// </summary>
internal sealed partial class CliContext
{
    private readonly HashSet<string> _notes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="CliContext"/> class.</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="outputIsTerminal">Whether standard output is a terminal (tables, colour).</param>
    /// <param name="errorIsTerminal">Whether standard error is a terminal (progress bars).</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <param name="workingDirectory">The directory relative paths resolve against.</param>
    public CliContext(TextWriter output, TextWriter error, bool outputIsTerminal = false, bool errorIsTerminal = false,
        Func<string, string?>? environment = null, string? workingDirectory = null)
    {
        Out = output;
        Err = error;
        OutputIsTerminal = outputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
        Environment = environment ?? System.Environment.GetEnvironmentVariable;
        WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory();
        OutConsole = CreateConsole(output, outputIsTerminal);
        ErrConsole = CreateConsole(error, errorIsTerminal);
    }

    /// <summary>Gets standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Gets standard error.</summary>
    public TextWriter Err { get; }

    /// <summary>Gets a Spectre console over standard output (no colour, no interaction when redirected).</summary>
    public IAnsiConsole OutConsole { get; }

    /// <summary>Gets a Spectre console over standard error (progress bars go here, so stdout stays clean).</summary>
    public IAnsiConsole ErrConsole { get; }

    /// <summary>Gets whether standard output is a terminal.</summary>
    public bool OutputIsTerminal { get; }

    /// <summary>Gets whether standard error is a terminal.</summary>
    public bool ErrorIsTerminal { get; }

    /// <summary>Gets the environment-variable reader.</summary>
    public Func<string, string?> Environment { get; }

    /// <summary>Gets the working directory.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Gets the model calls in flight (for progress lines).</summary>
    internal Rendering.CallTracker Calls { get; } = new();

    /// <summary>Gets or sets the clock of progress lines.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets or sets how often a progress line is printed when stderr is not a terminal.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets whether runtime failures print their stack trace (<c>--verbose</c>).</summary>
    public bool Verbose { get; set; }

    /// <summary>Gets or sets whether Ctrl-C/SIGTERM are handled by System.CommandLine (the real process only).</summary>
    public bool HandleProcessTermination { get; init; }

    /// <summary>Creates the context of the real process.</summary>
    /// <returns>The context.</returns>
    public static CliContext FromProcess() => new(
        Console.Out,
        Console.Error,
        outputIsTerminal: !Console.IsOutputRedirected,
        errorIsTerminal: !Console.IsErrorRedirected)
    {
        HandleProcessTermination = true,
    };

    /// <summary>Resolves a user-supplied path against the working directory.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The full path.</returns>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);

    /// <summary>Writes a note line to stderr (banners, hints). Never to stdout: stdout may be a single JSON object.</summary>
    /// <param name="message">The message.</param>
    public void Note(string message) => Err.WriteLine(message);

    /// <summary>Writes a note line to stderr unless the same line was already written (e.g. one banner for several models).</summary>
    /// <param name="message">The message.</param>
    public void NoteOnce(string message)
    {
        lock (_notes)
        {
            if (!_notes.Add(message))
            {
                return;
            }
        }

        Note(message);
    }

    private static IAnsiConsole CreateConsole(TextWriter writer, bool terminal) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        Out = new AnsiConsoleOutput(writer),
    });
}
