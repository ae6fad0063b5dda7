using System.Text;

namespace PromptOpt.Tests.TestDoubles;

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="TempDirectory"/> class.</summary>
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "promptopt-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>Gets the directory path.</summary>
    public string Path { get; }

    /// <summary>Writes a UTF-8 (no BOM) file under the directory, creating subdirectories, and returns its path.</summary>
    /// <param name="relativePath">The path relative to the directory.</param>
    /// <param name="content">The content.</param>
    /// <returns>The full path.</returns>
    public string Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content, new UTF8Encoding(false));
        return full;
    }

    /// <summary>Writes lines (joined with \n, with a final \n) and returns the full path.</summary>
    /// <param name="relativePath">The path relative to the directory.</param>
    /// <param name="lines">The lines.</param>
    /// <returns>The full path.</returns>
    public string WriteLines(string relativePath, params string[] lines) => Write(relativePath, string.Join("\n", lines) + "\n");

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
