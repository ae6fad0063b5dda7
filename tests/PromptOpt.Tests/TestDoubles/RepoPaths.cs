namespace PromptOpt.Tests.TestDoubles;

/// <summary>
/// Paths in the repository the tests run from, found from the test binaries upwards (the directory holding
/// <c>PromptOpt.slnx</c>). Never from <c>[CallerFilePath]</c>: a CI build (<c>CI=true</c>, deterministic, path-mapped)
/// compiles source paths as <c>/_/…</c>, which do not exist on disk.
/// </summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>Gets the repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path under the repository root.</summary>
    public static string Under(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PromptOpt.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (the directory holding PromptOpt.slnx) not found above " + AppContext.BaseDirectory);
    }
}
