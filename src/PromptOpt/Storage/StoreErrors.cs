using Microsoft.Data.Sqlite;

namespace PromptOpt.Storage;

/// <summary>
/// Turns SQLite failures of the store file into one plain line naming the file: damaged (corrupt, not a database), or
/// not writable (read-only file or directory, no permission, disk full). These are problems of the user's file, not bugs,
/// so they are <see cref="PromptOptInputException"/>s (exit code 2), never a stack trace.
/// </summary>
internal static class StoreErrors
{
    private const int SqlitePerm = 3, SqliteReadOnly = 8, SqliteIoErr = 10, SqliteCorrupt = 11, SqliteFull = 13, SqliteCantOpen = 14, SqliteNotADb = 26;

    /// <summary>Describes a failure of the store at <paramref name="path"/>, or returns <see langword="null"/> when it is not one
    /// of the file's (e.g. a bug, or a busy timeout).</summary>
    /// <param name="path">The store file.</param>
    /// <param name="exception">The failure (the SQLite error may be an inner exception).</param>
    /// <returns>The input exception to report, or <see langword="null"/>.</returns>
    public static StoreException? Describe(string path, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(path);
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is SqliteException sqlite)
            {
                var what = sqlite.Message.ReplaceLineEndings(" ");
                return (sqlite.SqliteErrorCode & 0xFF) switch
                {
                    SqliteCorrupt or SqliteNotADb => Damaged(path, what, sqlite),
                    SqliteReadOnly or SqlitePerm or SqliteCantOpen => NotWritable(path, what, sqlite),
                    SqliteFull or SqliteIoErr => new StoreException(path, StoreProblem.NotWritable,
                        $"the store '{path}' cannot be written ({what}): check the disk (space, errors), or give another --store", sqlite),
                    _ => null,
                };
            }
        }

        return null;
    }

    /// <summary>The store file is damaged.</summary>
    /// <param name="path">The store file.</param>
    /// <param name="what">SQLite's words.</param>
    /// <param name="inner">The cause, or <see langword="null"/>.</param>
    /// <returns>The exception.</returns>
    public static StoreException Damaged(string path, string what, Exception? inner = null) => new(path, StoreProblem.Damaged,
        $"the store '{path}' is damaged ({what}): move it aside and give a new --store (or PROMPTOPT_STORE); its runs and cached responses cannot be read", inner);

    /// <summary>The store file cannot be written.</summary>
    /// <param name="path">The store file.</param>
    /// <param name="what">Why (SQLite's words, or a description).</param>
    /// <param name="inner">The cause, or <see langword="null"/>.</param>
    /// <returns>The exception.</returns>
    public static StoreException NotWritable(string path, string what, Exception? inner = null) => new(path, StoreProblem.NotWritable,
        $"the store '{path}' cannot be written ({what}): this command needs to write it; check the permissions of the file and of its directory " +
        $"'{Path.GetDirectoryName(path)}' (SQLite also creates '{Path.GetFileName(path)}-wal' and '-shm' there), or give another --store", inner);
}

/// <summary>What is wrong with a store file.</summary>
public enum StoreProblem
{
    /// <summary>The file is corrupt or not a database.</summary>
    Damaged,

    /// <summary>The file (or its directory) cannot be written.</summary>
    NotWritable,
}

/// <summary>A problem of the store file (damaged, not writable): one line naming the file; exit code 2.</summary>
public sealed class StoreException : PromptOptInputException
{
    /// <summary>Initializes a new instance of the <see cref="StoreException"/> class.</summary>
    /// <param name="path">The store file.</param>
    /// <param name="problem">The problem.</param>
    /// <param name="message">The one-line message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public StoreException(string path, StoreProblem problem, string message, Exception? innerException)
        : base(message, innerException!)
    {
        StorePath = path;
        Problem = problem;
    }

    /// <summary>Initializes a new instance of the <see cref="StoreException"/> class.</summary>
    public StoreException()
    {
        StorePath = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="StoreException"/> class.</summary>
    /// <param name="message">The message.</param>
    public StoreException(string message)
        : base(message)
    {
        StorePath = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="StoreException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
        StorePath = string.Empty;
    }

    /// <summary>Gets the store file.</summary>
    public string StorePath { get; }

    /// <summary>Gets the problem.</summary>
    public StoreProblem Problem { get; }
}
