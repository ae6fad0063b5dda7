using Microsoft.Extensions.AI;

namespace PromptOpt.Models;

/// <summary>
/// Retries transient embedding failures with the same policy as chat calls (see <see cref="ResilientChatClient"/>): HTTP
/// 429 (waiting for <c>Retry-After</c>), 5xx and 408, timeouts, dropped connections and malformed replies; other failures
/// fail at once with a one-line <see cref="ModelCallException"/>.
/// </summary>
/// <remarks>Each retry is counted on the <see cref="UsageMeter"/> (when given) for the role. Thread-safe.</remarks>
public sealed class ResilientEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ModelRetryPipeline _retry;
    private readonly string _role;

    /// <summary>Initializes a new instance of the <see cref="ResilientEmbeddingGenerator"/> class.</summary>
    /// <param name="innerGenerator">The inner generator (the provider).</param>
    /// <param name="options">The retry options, or <see langword="null"/> for defaults.</param>
    /// <param name="timeProvider">The clock for delays, or <see langword="null"/> for the system clock.</param>
    /// <param name="meter">The meter retries are counted on, or <see langword="null"/>.</param>
    /// <param name="role">The role retries are counted for.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ResilientEmbeddingGenerator(
        IEmbeddingGenerator<string, Embedding<float>> innerGenerator, ModelRetryOptions? options = null, TimeProvider? timeProvider = null,
        UsageMeter? meter = null, string role = ModelRoles.Embedding)
        : base(innerGenerator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        _retry = new ModelRetryPipeline(options, timeProvider, meter);
        _role = role;
    }

    /// <inheritdoc />
    /// <exception cref="ModelCallException">The request failed permanently, or still failed after the last attempt.</exception>
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values as IReadOnlyList<string> ?? values.ToList(); // may be enumerated once per attempt
        return _retry.ExecuteAsync(
            static (s, ct) => s.Inner.GenerateAsync(s.Values, s.Options, ct), (Inner: InnerGenerator, Values: list, Options: options), _role, cancellationToken);
    }
}
