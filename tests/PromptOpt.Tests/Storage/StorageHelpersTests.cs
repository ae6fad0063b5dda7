using PromptOpt.Storage;

namespace PromptOpt.Tests.Storage;

public sealed class StorageHelpersTests
{
    private static readonly string Cwd = Path.Combine(Path.GetTempPath(), "proj");

    [Fact]
    public void Resolve_NothingGiven_UsesDefaultUnderCwd()
    {
        Assert.Equal(Path.Combine(Cwd, ".promptopt", "promptopt.db"), StorePaths.Resolve(null, _ => null, Cwd));
    }

    [Fact]
    public void Resolve_EnvironmentOnly_UsesIt()
    {
        Assert.Equal(Path.Combine(Cwd, "x.db"), StorePaths.Resolve(null, n => n == "PROMPTOPT_STORE" ? "x.db" : null, Cwd));
    }

    [Fact]
    public void Resolve_CliAndEnvironment_CliWins()
    {
        Assert.Equal(Path.Combine(Cwd, "cli.db"), StorePaths.Resolve("cli.db", _ => "env.db", Cwd));
    }

    [Fact]
    public void Resolve_DirectoryWithSeparator_AppendsFileName()
    {
        Assert.Equal(Path.Combine(Cwd, "store", "promptopt.db"), StorePaths.Resolve("store" + Path.DirectorySeparatorChar, _ => null, Cwd));
    }

    [Theory]
    [InlineData("apiKey", true)]
    [InlineData("OPENAI_API_KEY", true)]
    [InlineData("access_token", true)]
    [InlineData("clientSecret", true)]
    [InlineData("password", true)]
    [InlineData("Authorization", true)]
    [InlineData("max_tokens", false)]
    [InlineData("MaxTokens", false)]
    [InlineData("api_key_env", false)]
    [InlineData("ApiKeyVariable", false)]
    [InlineData("model", false)]
    public void IsSensitiveName_Name_Classified(string name, bool sensitive)
    {
        Assert.Equal(sensitive, RunSpecSanitizer.IsSensitiveName(name));
    }

    [Fact]
    public void Sanitize_NotJson_MasksKeyLikeStrings()
    {
        var result = RunSpecSanitizer.Sanitize("model: x\napi: sk-abcdefghijklmnop");

        Assert.DoesNotContain("abcdefghijklmnop", result);
        Assert.Contains("model: x", result);
    }

    [Fact]
    public void Sanitize_ArrayOfObjects_CleansEveryElement()
    {
        var result = RunSpecSanitizer.Sanitize("""[{"key":"v1"},{"ok":"v2"},"Bearer abcdefghijkl"]""");

        Assert.Equal("""[{"key":"***"},{"ok":"v2"},"Bearer ***"]""", result);
    }

    [Fact]
    public void Sanitize_NonAsciiText_StaysReadable()
    {
        Assert.Equal("""{"prompt":"Réponds « oui »"}""", RunSpecSanitizer.Sanitize("""{"prompt":"Réponds « oui »"}"""));
    }

    [Theory]
    [InlineData("run-1")]
    [InlineData("2025-01-01_ape.v2")]
    public void Validate_GoodRunId_ReturnsIt(string id)
    {
        Assert.Equal(id, RunIds.Validate(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("x y")]
    public void Validate_BadRunId_ThrowsOneLine(string? id)
    {
        var ex = Assert.Throws<PromptOptInputException>(() => RunIds.Validate(id));

        Assert.Contains("invalid run id", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
