using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>
/// Meters embedding requests like <see cref="UsageTrackingChatClient"/> meters chat calls: reserves each request against
/// the <see cref="UsageMeter"/>'s budget before it is made (throwing <see cref="BudgetExhaustedException"/> when spent) and
/// records its input tokens, model and cache-hit flag after, under one role (<see cref="ModelRoles.Embedding"/> by default).
/// </summary>
/// <remarks>Place it outside the cache (cache hits count as calls) and inside the batching (each request is a call). Thread-safe.</remarks>
public sealed class UsageTrackingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly UsageMeter _meter;
    private readonly string _role;
    private readonly string? _defaultModelId;

    /// <summary>Initializes a new instance of the <see cref="UsageTrackingEmbeddingGenerator"/> class.</summary>
    /// <param name="innerGenerator">The inner generator.</param>
    /// <param name="meter">The usage meter.</param>
    /// <param name="role">The role the requests are metered under.</param>
    public UsageTrackingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, UsageMeter meter, string role = ModelRoles.Embedding)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        _meter = meter;
        _role = role;
        _defaultModelId = innerGenerator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
    }

    /// <inheritdoc />
    /// <exception cref="BudgetExhaustedException">The budget does not allow another request.</exception>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        _meter.Reserve(_role);
        GeneratedEmbeddings<Embedding<float>> result;
        try
        {
            result = await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _meter.Release();
            throw;
        }

        var modelId = result.Count > 0 ? result[0].ModelId ?? _defaultModelId : _defaultModelId;
        _meter.Record(_role, modelId, result.Usage?.InputTokenCount ?? 0, 0, result.IsCacheHit());
        return result;
    }
}
