namespace PromptOpt.Storage;

/// <summary>Where the store lives: <c>--store</c>, else <c>PROMPTOPT_STORE</c>, else <c>.promptopt/promptopt.db</c> under the current directory.</summary>
public static class StorePaths
{
    /// <summary>The environment variable that overrides the store path.</summary>
    public const string EnvironmentVariable = "PROMPTOPT_STORE";

    /// <summary>The default directory, relative to the current directory.</summary>
    public const string DefaultDirectory = ".promptopt";

    /// <summary>The default file name.</summary>
    public const string DefaultFileName = "promptopt.db";

    /// <summary>Resolves the store path. Relative paths are taken from <paramref name="cwd"/>; a path that is an existing
    /// directory or ends with a separator gets <see cref="DefaultFileName"/> appended.</summary>
    /// <param name="cliValue">The <c>--store</c> value, or <see langword="null"/>.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="cwd">The current directory.</param>
    /// <returns>The absolute path of the database file.</returns>
    public static string Resolve(string? cliValue, Func<string, string?> environment, string cwd)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrWhiteSpace(cwd);
        var chosen = !string.IsNullOrWhiteSpace(cliValue) ? cliValue.Trim()
            : environment(EnvironmentVariable) is { } env && !string.IsNullOrWhiteSpace(env) ? env.Trim()
            : null;
        if (chosen is null)
        {
            return Path.GetFullPath(Path.Combine(cwd, DefaultDirectory, DefaultFileName));
        }

        var full = Path.GetFullPath(chosen, cwd);
        bool directory = chosen.EndsWith(Path.DirectorySeparatorChar) || chosen.EndsWith(Path.AltDirectorySeparatorChar) || Directory.Exists(full);
        return directory ? Path.Combine(full, DefaultFileName) : full;
    }
}
