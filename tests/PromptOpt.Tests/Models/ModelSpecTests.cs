using PromptOpt.Models;

namespace PromptOpt.Tests.Models;

public sealed class ModelSpecTests
{
    [Theory]
    [InlineData("openai:gpt-4o-mini", ModelProvider.OpenAI, "gpt-4o-mini", null, "OPENAI_API_KEY")]
    [InlineData("OpenAI:gpt-4.1", ModelProvider.OpenAI, "gpt-4.1", null, "OPENAI_API_KEY")]
    [InlineData("openai-compatible:http://127.0.0.1:8080/v1|llama3:8b", ModelProvider.OpenAICompatible, "llama3:8b", "http://127.0.0.1:8080/v1", null)]
    [InlineData("openai-compatible:https://example.com/v1|my-model|MY_KEY", ModelProvider.OpenAICompatible, "my-model", "https://example.com/v1", "MY_KEY")]
    [InlineData("sim", ModelProvider.Simulator, null, null, null)]
    [InlineData("sim:small", ModelProvider.Simulator, "small", null, null)]
    [InlineData("auto", ModelProvider.Auto, null, null, null)]
    [InlineData("  auto ", ModelProvider.Auto, null, null, null)]
    public void Parse_ValidSpec_ReturnsParts(string text, ModelProvider provider, string? model, string? baseUrl, string? keyVariable)
    {
        var spec = ModelSpec.Parse(text);

        Assert.Equal(provider, spec.Provider);
        Assert.Equal(model, spec.Model);
        Assert.Equal(baseUrl, spec.BaseUrl?.OriginalString);
        Assert.Equal(keyVariable, spec.ApiKeyVariable);
    }

    [Theory]
    [InlineData("openai:gpt-4o-mini")]
    [InlineData("openai-compatible:http://127.0.0.1:8080/v1|llama3")]
    [InlineData("openai-compatible:https://example.com/v1|m|KEY_VAR")]
    [InlineData("sim")]
    [InlineData("sim:tiny")]
    [InlineData("auto")]
    public void ToString_ParsedSpec_RoundTrips(string text)
    {
        Assert.Equal(text, ModelSpec.Parse(text).ToString());
        Assert.Equal(ModelSpec.Parse(text), ModelSpec.Parse(ModelSpec.Parse(text).ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("gpt-4o")]
    [InlineData("openai")]
    [InlineData("openai:")]
    [InlineData("openai:has space")]
    [InlineData("openai-compatible:http://x/v1")]
    [InlineData("openai-compatible:not-a-url|m")]
    [InlineData("openai-compatible:ftp://x/v1|m")]
    [InlineData("openai-compatible:http://user:pass@x/v1|m")]
    [InlineData("openai-compatible:http://x/v1?api-key=abc|m")]
    [InlineData("openai-compatible:http://x/v1|m|A|B")]
    [InlineData("openai-compatible:http://x/v1|m|bad-var")]
    [InlineData("auto:x")]
    [InlineData("anthropic:claude")]
    [InlineData("sim:")]
    public void Parse_InvalidSpec_ThrowsOneLineListingForms(string text)
    {
        var ex = Assert.Throws<ModelSpecException>(() => ModelSpec.Parse(text));

        Assert.IsAssignableFrom<PromptOptInputException>(ex);
        Assert.Contains(ModelSpec.AcceptedForms, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(ModelSpec.TryParse(text, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void Parse_KeyInsteadOfVariableName_DoesNotEchoTheKey()
    {
        const string key = "sk-proj-abcdefghijklmnop1234";

        var ex = Assert.Throws<ModelSpecException>(() => ModelSpec.Parse($"openai-compatible:https://x/v1|m|{key}"));

        Assert.Contains("NAME of an environment variable", ex.Message);
        Assert.DoesNotContain(key, ex.Message);
        Assert.DoesNotContain("abcdefghijklmnop", ex.Message);
    }

    [Fact]
    public void Parse_MultiLineText_GivesOneLineMessage()
    {
        var ex = Assert.Throws<ModelSpecException>(() => ModelSpec.Parse("openai:a\nb"));

        Assert.DoesNotContain('\n', ex.Message);
    }
}
