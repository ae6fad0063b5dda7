using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Simulation.SentenceEncoding;

namespace PromptOpt.Tests.Simulation;

public class MiniLmEncoderTests
{
    private static readonly MiniLmEncoder Encoder = MiniLmEncoder.Shared;

    [Fact]
    public void Encode_GivesAUnitVectorOf384Dimensions()
    {
        var v = Encoder.Encode("Think step by step.");
        Assert.Equal(MiniLmEncoder.Dimensions, v.Length);
        Assert.Equal(1.0, MiniLmEncoder.Cosine(v, v), 5);
    }

    [Fact]
    public void Encode_IsAPureFunctionOfTheNormalisedText_AlsoAcrossInstancesAndBatches()
    {
        string[] sentences = ["Verify the answer before you give it.", "Compute multiplications before additions.", "Reply with the word banana."];
        var batch = Encoder.Encode(sentences);
        using var fresh = new MiniLmEncoder();
        for (int i = 0; i < sentences.Length; i++)
        {
            Assert.Equal(batch[i], fresh.Encode(sentences[i])); // bit-identical, not merely close
            Assert.Equal(batch[i], fresh.Encode("  " + sentences[i].ToUpperInvariant() + " ")); // uncased model, whitespace-insensitive
        }
    }

    [Fact]
    public void Encode_ReadsMeaning_AParaphraseIsCloserThanAnUnrelatedInstruction()
    {
        var stepwise = Encoder.Encode("Work through the problem one step at a time, writing intermediate results.");
        double paraphrase = MiniLmEncoder.Cosine(stepwise, Encoder.Encode("Solve it one step at a time and write down each intermediate result."));
        double unrelated = MiniLmEncoder.Cosine(stepwise, Encoder.Encode("Reply with the word banana."));
        Assert.True(paraphrase > 0.7, $"paraphrase cosine {paraphrase:F3}");
        Assert.True(unrelated < 0.3, $"unrelated cosine {unrelated:F3}");
    }

    [Fact]
    public void Encode_TruncatesVeryLongTextInsteadOfFailing()
    {
        var longText = string.Join(' ', Enumerable.Repeat("Check every intermediate result carefully.", 200));
        var v = Encoder.Encode(longText);
        Assert.Equal(1.0, MiniLmEncoder.Cosine(v, v), 5);
    }

    [Fact]
    public async Task EmbeddingGenerator_ReturnsTheEncoderVectors_WithMetadata()
    {
        using var generator = new MiniLmEmbeddingGenerator();
        var result = await generator.GenerateAsync(["Think step by step.", "Show your work."]);
        Assert.Equal(2, result.Count);
        Assert.Equal(Encoder.Encode("Show your work."), result[1].Vector.ToArray());
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal("all-MiniLM-L6-v2", metadata?.DefaultModelId);
        Assert.Equal(384, metadata?.DefaultModelDimensions);
    }

    [Fact]
    public void EmbedderSpec_MiniLm_IsALocalEmbedder_ThatNeedsRegistration()
    {
        var spec = EmbedderSpec.Parse("minilm");
        Assert.Equal("minilm", spec.ToString());
        Assert.False(spec.IsBuiltIn);
        Assert.Null(spec.Model);
        var error = Assert.Throws<ModelSpecException>(() => ModelFactory.CreateEmbedder(spec, new ModelPipelineOptions()));
        Assert.Contains("minilm", error.Message);
        var registered = new ModelPipelineOptions
        {
            LocalEmbedders = new Dictionary<string, Func<IEmbeddingGenerator<string, Embedding<float>>>> { ["minilm"] = () => new MiniLmEmbeddingGenerator() },
        };
        Assert.IsType<MiniLmEmbeddingGenerator>(ModelFactory.CreateEmbedder(spec, registered));
        Assert.Throws<ModelSpecException>(() => EmbedderSpec.Parse("minilm:large"));
    }
}
