using Microsoft.Extensions.AI;
using PromptOpt.Storage;

namespace PromptOpt.Models;

/// <summary>Options of <see cref="ModelFactory.Create"/> and <see cref="ModelFactory.CreateEmbedder"/>: what the middleware pipeline around a provider uses.</summary>
public sealed class ModelPipelineOptions
{
    /// <summary>Gets or sets the usage meter (and budget) shared by all of a run's pipelines.</summary>
    /// <value>The default is a new unlimited meter.</value>
    public UsageMeter Usage { get; set; } = new();

    /// <summary>Gets or sets the response cache, or <see langword="null"/> for none.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IResponseCache? Cache { get; set; }

    /// <summary>Gets or sets the maximum number of concurrent provider calls of one pipeline.</summary>
    /// <value>The default is 8.</value>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Gets or sets the most texts one embeddings request carries; longer inputs are split into several requests.</summary>
    /// <value>The default is 128 (the OpenAI API accepts up to 2048; local servers often want fewer).</value>
    public int MaxEmbeddingBatchSize { get; set; } = 128;

    /// <summary>Gets or sets the retry options.</summary>
    /// <value>The default is <c>new ModelRetryOptions()</c> (6 attempts, 1 s base delay).</value>
    public ModelRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the clock for retry delays and <c>Retry-After</c> dates.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the network timeout of one HTTP request.</summary>
    /// <value>The default is 120 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets the HTTP client for OpenAI(-compatible) requests, or <see langword="null"/> for the SDK's shared one.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public HttpClient? HttpClient { get; set; }

    /// <summary>
    /// Gets or sets the factory of the simulator for <c>sim</c> specs (and <c>auto</c> without an endpoint), or
    /// <see langword="null"/> when no simulator is registered (then <c>sim</c> is an error).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Func<ModelSpec, IChatClient>? SimulatorFactory { get; set; }

    /// <summary>
    /// Gets or sets the factories of local embedders by spec name (e.g. <c>minilm</c> → the all-MiniLM-L6-v2 encoder of
    /// PromptOpt.Simulation), or <see langword="null"/> when none is registered (then such a spec is an error).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyDictionary<string, Func<IEmbeddingGenerator<string, Embedding<float>>>>? LocalEmbedders { get; set; }

    /// <summary>Gets or sets the sink of one-line notices (e.g. the <c>auto</c> banner that results are simulated), or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<string>? OnNotice { get; set; }

    /// <summary>
    /// Gets or sets the logger factory of Microsoft.Extensions.AI's <see cref="LoggingChatClient"/> (each real call attempt,
    /// at <c>Debug</c>; message contents only at <c>Trace</c>), or <see langword="null"/> for no logging.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets how environment variables are read (tests inject a dictionary).</summary>
    /// <value>The default is <see cref="System.Environment.GetEnvironmentVariable(string)"/>.</value>
    public Func<string, string?> Environment { get; set; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Gets a shallow copy.</summary>
    /// <returns>The copy (its <see cref="Retry"/> is cloned too).</returns>
    public ModelPipelineOptions Clone()
    {
        var copy = (ModelPipelineOptions)MemberwiseClone();
        copy.Retry = Retry.Clone();
        return copy;
    }
}
