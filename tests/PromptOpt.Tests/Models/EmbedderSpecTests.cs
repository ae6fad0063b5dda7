using PromptOpt.Models;

namespace PromptOpt.Tests.Models;

public sealed class EmbedderSpecTests
{
    [Theory]
    [InlineData("hash", null)]
    [InlineData(" HASH ", null)]
    [InlineData("sim", null)]
    [InlineData("openai:text-embedding-3-small", "openai:text-embedding-3-small")]
    [InlineData("openai-compatible:http://127.0.0.1:11434/v1|nomic-embed-text", "openai-compatible:http://127.0.0.1:11434/v1|nomic-embed-text")]
    [InlineData("openai-compatible:https://example.com/v1|e5|EMB_KEY", "openai-compatible:https://example.com/v1|e5|EMB_KEY")]
    public void Parse_ValidSpec_ReturnsBuiltInOrTheProviderModel(string text, string? model)
    {
        var spec = EmbedderSpec.Parse(text);

        Assert.Equal(model, spec.Model?.ToString());
        Assert.Equal(model is null, spec.IsBuiltIn);
        Assert.Equal(model ?? "hash", spec.ToString());
        Assert.Equal(spec, EmbedderSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("hashh", "unknown provider 'hashh'")]
    [InlineData("hash:512", "the built-in hashing embedder takes no model name; use hash")]
    [InlineData("sim:small", "the built-in hashing embedder takes no model name; use hash")]
    [InlineData("auto", "'auto' picks a chat model, not an embedding model")]
    [InlineData("openai:", "the model name is missing")]
    [InlineData("openai-compatible:http://x/v1", "expected <base-url>|<model>")]
    [InlineData("openai-compatible:http://x/v1|m|sk-abcdef123456", "the NAME of an environment variable")]
    public void Parse_InvalidSpec_ThrowsOneLineEmbedderMessageListingForms(string text, string reason)
    {
        var ex = Assert.Throws<ModelSpecException>(() => EmbedderSpec.Parse(text));

        Assert.StartsWith($"invalid embedder spec '", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("expected one of: " + EmbedderSpec.AcceptedForms, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdef123456", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void FromModel_ChatSpecs_MapsSimToHashAndRejectsAuto()
    {
        Assert.Same(EmbedderSpec.Hashing, EmbedderSpec.FromModel(ModelSpec.Simulator()));
        Assert.Equal("openai:text-embedding-3-large", EmbedderSpec.FromModel(ModelSpec.OpenAI("text-embedding-3-large")).ToString());
        Assert.Throws<ModelSpecException>(() => EmbedderSpec.FromModel(ModelSpec.Auto));
    }
}
