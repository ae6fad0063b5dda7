using Microsoft.Extensions.AI;
using PromptOpt.Optimizers.Expo;

namespace PromptOpt.Tests.Optimizers.Expo;

public class HashingEmbeddingGeneratorTests
{
    private static double Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);

    [Fact]
    public void Embed_Text_IsUnitLengthWithConfiguredDimension()
    {
        var g = new HashingEmbeddingGenerator();
        var v = g.Embed("Explore the buttons you have not tried yet.");
        Assert.Equal(512, v.Length);
        Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 5);
        Assert.Equal(64, new HashingEmbeddingGenerator(new() { Dimensions = 64 }).Embed("abc").Length);
    }

    [Fact]
    public void Embed_SameTextTwiceAndAcrossInstances_IsIdentical()
    {
        var a = new HashingEmbeddingGenerator().Embed("Make small adjustments near the best point.");
        var b = new HashingEmbeddingGenerator().Embed("Make small adjustments near the best point.");
        Assert.Equal(a, b);
    }

    [Fact]
    public void Embed_CaseAndWhitespace_AreNormalised()
    {
        var g = new HashingEmbeddingGenerator();
        Assert.Equal(g.Embed("Hello   World"), g.Embed(" hello world "));
    }

    [Fact]
    public void Embed_SimilarTexts_AreCloserThanUnrelatedTexts()
    {
        var g = new HashingEmbeddingGenerator();
        var a = g.Embed("Compute the average reward of each button before choosing.");
        var b = g.Embed("Compute the average reward of every button before you choose.");
        var c = g.Embed("The trace must visit each point exactly once.");
        Assert.True(Cosine(a, b) > 0.6, $"similar {Cosine(a, b):F3}");
        Assert.True(Cosine(a, b) > Cosine(a, c) + 0.3, $"similar {Cosine(a, b):F3} vs unrelated {Cosine(a, c):F3}");
    }

    [Fact]
    public void Embed_EmptyText_IsZeroVector()
    {
        Assert.All(new HashingEmbeddingGenerator().Embed("   "), x => Assert.Equal(0f, x));
    }

    [Fact]
    public async Task GenerateAsync_Batch_ReturnsOneEmbeddingPerInputInOrder()
    {
        IEmbeddingGenerator<string, Embedding<float>> g = new HashingEmbeddingGenerator(new() { Dimensions = 32 });
        var result = await g.GenerateAsync(["one", "two", "three"]);
        Assert.Equal(3, result.Count);
        Assert.Equal(((HashingEmbeddingGenerator)g).Embed("two"), result[1].Vector.ToArray());
        var meta = (EmbeddingGeneratorMetadata)g.GetService(typeof(EmbeddingGeneratorMetadata))!;
        Assert.Equal(32, meta.DefaultModelDimensions);
        Assert.Equal(HashingEmbeddingGenerator.ProviderName, meta.ProviderName);
    }
}
