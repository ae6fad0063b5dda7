using PromptOpt.Cli;
using PromptOpt.Prompts;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Cli;

public class PromptInputTests
{
    private static CliContext Context(string dir) => new(TextWriter.Null, TextWriter.Null, workingDirectory: dir);

    [Fact]
    public void Load_LiteralWithoutPlaceholder_AppendsQuestion()
    {
        var prompt = PromptInput.Load(Context(Path.GetTempPath()), "Solve it.", null);

        Assert.Equal("Solve it.\n\n" + Prompt.QuestionPlaceholder, prompt.User);
        Assert.Null(prompt.System);
    }

    [Fact]
    public void Load_TextFilesForPromptAndSystem_ReadsBoth()
    {
        using var dir = new TempDirectory();
        dir.Write("p.txt", "Q: {question}\nA:\n");
        dir.Write("s.txt", "You are careful.\n");

        var prompt = PromptInput.Load(Context(dir.Path), "@p.txt", "@s.txt");

        Assert.Equal("Q: {question}\nA:", prompt.User);
        Assert.Equal("You are careful.", prompt.System);
    }

    [Fact]
    public void Load_PromptArtifact_ReadsSystemAndUser()
    {
        using var dir = new TempDirectory();
        dir.Write("best.json", """{"kind":"promptopt.prompt","version":1,"system":"Be exact.","user":"Answer: {question}"}""");

        var prompt = PromptInput.Load(Context(dir.Path), "@best.json", null);

        Assert.Equal(new Prompt("Be exact.", "Answer: {question}"), prompt);
    }

    [Theory]
    [InlineData("p.json", """{"note":"x"}""", "has no \"kind\"")]
    [InlineData("p.json", """[{"kind":"promptopt.prompt","user":"x"}]""", "found a JSON array")]
    [InlineData("p.json", """{"kind":"promptopt.report","user":"x"}""", "found \"kind\": \"promptopt.report\"")]
    [InlineData("p.json", "{\n  \"kind\": \"promptopt.prompt\",\n  \"user\": \"Solve {question}", "invalid or truncated JSON at line 3")]
    [InlineData("P.JSON", "Solve it step by step.", "invalid or truncated JSON at line 1")]
    public void Load_JsonFileThatIsNotAValidArtifact_ThrowsNamingFileAndProblem(string name, string content, string expected)
    {
        using var dir = new TempDirectory();
        dir.Write(name, content);

        var ex = Assert.ThrowsAny<PromptOptInputException>(() => PromptInput.Load(Context(dir.Path), "@" + name, null));

        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("--prompt: " + name + ":", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_TruncatedArtifact_FromSavedRun_IsAnError()
    {
        using var dir = new TempDirectory();
        var full = """{"kind":"promptopt.prompt","version":1,"system":"Be exact.","user":"Answer: {question}"}""";
        dir.Write("best.json", full[..(full.Length / 2)]);

        var ex = Assert.ThrowsAny<PromptOptInputException>(() => PromptInput.Load(Context(dir.Path), "@best.json", null));

        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Load_JsonObjectInTextFile_StaysText()
    {
        using var dir = new TempDirectory();
        dir.Write("p.txt", """{"note":"x"}""");

        var prompt = PromptInput.Load(Context(dir.Path), "@p.txt", null);

        Assert.StartsWith("""{"note":"x"}""", prompt.User);
    }

    [Theory]
    [InlineData("@missing.txt", "file not found")]
    [InlineData("@empty.txt", "file is empty")]
    [InlineData("@", "file not found")]
    [InlineData("   ", "is empty")]
    [InlineData("@bad-artifact.json", "without a \"user\"")]
    public void Load_BadPrompt_ThrowsInputException(string value, string expected)
    {
        using var dir = new TempDirectory();
        dir.Write("empty.txt", "  \n");
        dir.Write("bad-artifact.json", """{"kind":"promptopt.prompt"}""");

        var ex = Assert.ThrowsAny<PromptOptInputException>(() => PromptInput.Load(Context(dir.Path), value, null));

        Assert.Contains(expected, ex.Message);
    }
}
