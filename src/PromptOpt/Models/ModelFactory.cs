using Microsoft.Extensions.AI;
using PromptOpt.Optimizers.Expo;

namespace PromptOpt.Models;

/// <summary>Builds a role's model from a <see cref="ModelSpec"/>: the provider wrapped in PromptOpt's middleware pipeline.</summary>
/// <remarks>
/// <para>The pipeline is built with Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>, outermost first (see DESIGN.md,
/// "The model seam"):</para>
/// <list type="number">
/// <item>MEAI's <see cref="OpenTelemetryChatClient"/> (standard GenAI spans and metrics, source and meter <c>PromptOpt</c>) with
/// <see cref="PromptOptTelemetryChatClient"/> adding role, operation and cache hit.</item>
/// <item><see cref="UsageTrackingChatClient"/>: reserves each call against the budget, records tokens; counts cache hits.</item>
/// <item><see cref="ResponseCacheChatClient"/> (when <see cref="ModelPipelineOptions.Cache"/> is set): answers repeats from the cache,
/// deduplicates concurrent identical calls (across processes too, through the store's claims), commits each paid response before returning it.</item>
/// <item><see cref="ThrottlingChatClient"/>: at most <see cref="ModelPipelineOptions.MaxConcurrency"/> provider calls at once.</item>
/// <item><see cref="ResilientChatClient"/>: retries 429/5xx/timeouts/dropped connections/malformed replies, honouring <c>Retry-After</c>.</item>
/// <item>MEAI's <see cref="LoggingChatClient"/> when <see cref="ModelPipelineOptions.LoggerFactory"/> is set (<c>--verbose</c>): each attempt.</item>
/// <item>The provider: <see cref="OpenAIProviderChatClient"/> (SDK retry off), which sends common calls through the SDK's protocol
/// method with its own byte-identical JSON and everything else through MEAI.OpenAI's <c>AsIChatClient()</c>; or the simulator.</item>
/// </list>
/// <para><c>auto</c> resolves (see <see cref="ResolveAuto"/>) to <c>OPENAI_BASE_URL</c> as an OpenAI-compatible endpoint, else
/// <c>OPENAI_API_KEY</c> with <c>openai:</c><see cref="DefaultOpenAIModel"/> (override the model with <c>PROMPTOPT_MODEL</c>),
/// else the simulator with the notice <see cref="SimulatedNotice"/>.</para>
/// <para>Keys are read from the environment when the model is built and kept in memory only.</para>
/// <para><see cref="CreateEmbedder"/> builds EXPO's text embedder the same way (same key handling, HTTP options, retry
/// policy, cache and meter): the built-in hashing embedder for <c>hash</c>, else a provider's <c>/embeddings</c> endpoint.</para>
/// </remarks>
public static class ModelFactory
{
    /// <summary>The model <c>auto</c> uses with <c>OPENAI_API_KEY</c> or <c>OPENAI_BASE_URL</c> when <c>PROMPTOPT_MODEL</c> is unset.</summary>
    public const string DefaultOpenAIModel = "gpt-4o-mini";

    /// <summary>The environment variable that overrides <c>auto</c>'s model name.</summary>
    public const string ModelVariable = "PROMPTOPT_MODEL";

    /// <summary>The environment variable naming an OpenAI-compatible base URL for <c>auto</c>.</summary>
    public const string BaseUrlVariable = "OPENAI_BASE_URL";

    /// <summary>The notice <c>auto</c> gives when it falls back to the simulator.</summary>
    public const string SimulatedNotice = "results are SIMULATED: no endpoint configured (set OPENAI_API_KEY or OPENAI_BASE_URL)";

    /// <summary>Builds the model for <paramref name="role"/>: the provider of <paramref name="spec"/> inside the middleware pipeline.</summary>
    /// <param name="spec">The model spec.</param>
    /// <param name="role">The role of requests that carry no role tag (see <see cref="ModelRoles"/>).</param>
    /// <param name="options">The pipeline options.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelSpecException">The spec cannot be built (a missing key, no simulator registered, a bad <c>OPENAI_BASE_URL</c>).</exception>
    public static IChatClient Create(ModelSpec spec, string role, ModelPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1);
        options.Retry.Validate();

        var provider = CreateProvider(spec, options);

        // Telemetry sits outside the cache so hits get a span and are marked; logging (--verbose) sits on the real calls.
        var pipeline = new ChatClientBuilder(provider).UsePromptOptTelemetry().UseUsageTracking(options.Usage, role);
        if (options.Cache is { } cache)
        {
            // A miss that another process is making waits at most as long as that call can take with its retries.
            pipeline.UseResponseCache(cache, ResponseCacheOptions.ForCalls(options.RequestTimeout, options.Retry, options.TimeProvider));
        }

        pipeline.UseConcurrencyLimit(options.MaxConcurrency).UseResilience(options.Retry, options.TimeProvider, options.Usage, role);
        if (options.LoggerFactory is { } loggerFactory)
        {
            pipeline.UseLogging(loggerFactory);
        }

        return pipeline.Build();
    }

    /// <summary>Builds the bare provider of <paramref name="spec"/> (no middleware).</summary>
    /// <param name="spec">The model spec.</param>
    /// <param name="options">The options (environment, timeout, HTTP client, simulator factory, notices).</param>
    /// <returns>The provider.</returns>
    /// <exception cref="ModelSpecException">The spec cannot be built.</exception>
    public static IChatClient CreateProvider(ModelSpec spec, ModelPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var resolved = ResolveAuto(spec, options.Environment, options.OnNotice);
        switch (resolved.Provider)
        {
            case ModelProvider.Simulator:
                var factory = options.SimulatorFactory
                    ?? throw new ModelSpecException($"model '{resolved}': the simulator is not available (no simulator registered in ModelPipelineOptions.SimulatorFactory)");
                return factory(resolved);

            case ModelProvider.OpenAI:
            case ModelProvider.OpenAICompatible:
                var key = ReadKey(resolved, "model", options.Environment);

                // Loopback servers are PromptOpt's simulator server or local model servers, which accept (or ignore) the
                // extra "promptopt" request field; remote endpoints such as the OpenAI API would reject it.
                bool forward = resolved.BaseUrl is { IsLoopback: true };
                return OpenAIChatClients.Create(resolved.BaseUrl, resolved.Model!, key, options.RequestTimeout, options.HttpClient,
                    resolved.ApiKeyVariable, forward, options.TimeProvider);

            default:
                throw new ModelSpecException($"model '{resolved}' cannot be built");
        }
    }

    /// <summary>
    /// Builds the text embedder of <paramref name="spec"/>. <c>hash</c> is the built-in <see cref="HashingEmbeddingGenerator"/>
    /// (no network, no cost, not metered). A provider's model is its <c>/embeddings</c> endpoint inside the middleware
    /// pipeline, outermost first: <see cref="BatchingEmbeddingGenerator"/> (at most
    /// <see cref="ModelPipelineOptions.MaxEmbeddingBatchSize"/> inputs per request) → <see cref="UsageTrackingEmbeddingGenerator"/>
    /// (role <see cref="ModelRoles.Embedding"/>) → <see cref="ResponseCacheEmbeddingGenerator"/> (when
    /// <see cref="ModelPipelineOptions.Cache"/> is set) → <see cref="ResilientEmbeddingGenerator"/> (the chat calls' retry policy)
    /// → MEAI.OpenAI's <c>AsIEmbeddingGenerator()</c> inside <see cref="OpenAIProviderEmbeddingGenerator"/> (SDK retry off), with the options' key handling, timeout, HTTP client and clock.
    /// </summary>
    /// <param name="spec">The embedder spec.</param>
    /// <param name="options">The pipeline options (<see cref="ModelPipelineOptions.SimulatorFactory"/> and <c>MaxConcurrency</c> are not used).</param>
    /// <returns>The embedder.</returns>
    /// <exception cref="ModelSpecException">The key variable is not set.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbedder(EmbedderSpec spec, ModelPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (spec.LocalName is { } local)
        {
            return options.LocalEmbedders?.TryGetValue(local, out var create) == true
                ? create()
                : throw new ModelSpecException($"embedder '{local}': not available here (no local embedder '{local}' registered in ModelPipelineOptions.LocalEmbedders; reference PromptOpt.Simulation)");
        }

        if (spec.Model is not { } model)
        {
            return new HashingEmbeddingGenerator();
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEmbeddingBatchSize, 1);
        options.Retry.Validate();
        var key = ReadKey(model, "embedder", options.Environment);
        var provider = OpenAIEmbeddingGenerators.Create(
            model.BaseUrl, model.Model!, key, options.RequestTimeout, options.HttpClient, model.ApiKeyVariable, options.TimeProvider);
        var pipeline = new EmbeddingGeneratorBuilder<string, Embedding<float>>(provider)
            .Use(inner => new BatchingEmbeddingGenerator(inner, options.MaxEmbeddingBatchSize))
            .Use(inner => new UsageTrackingEmbeddingGenerator(inner, options.Usage));
        if (options.Cache is { } cache)
        {
            pipeline.Use(inner => new ResponseCacheEmbeddingGenerator(inner, cache, ResponseCacheOptions.ForCalls(options.RequestTimeout, options.Retry, options.TimeProvider)));
        }

        return pipeline.Use(inner => new ResilientEmbeddingGenerator(inner, options.Retry, options.TimeProvider, options.Usage)).Build();
    }

    /// <summary>
    /// Resolves <c>auto</c>: <c>OPENAI_BASE_URL</c> set → <c>openai-compatible:&lt;url&gt;|&lt;model&gt;</c> (keyed by
    /// <c>OPENAI_API_KEY</c> when that is set); else <c>OPENAI_API_KEY</c> set → <c>openai:&lt;model&gt;</c>; else <c>sim</c> and
    /// <paramref name="onNotice"/>(<see cref="SimulatedNotice"/>). The model is <c>PROMPTOPT_MODEL</c>, else
    /// <see cref="DefaultOpenAIModel"/>. Other specs are returned unchanged.
    /// </summary>
    /// <param name="spec">The spec.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="onNotice">Receives the simulated-results notice, or <see langword="null"/>.</param>
    /// <returns>The resolved spec (never <c>auto</c>).</returns>
    /// <exception cref="ModelSpecException"><c>OPENAI_BASE_URL</c> or <c>PROMPTOPT_MODEL</c> is malformed.</exception>
    public static ModelSpec ResolveAuto(ModelSpec spec, Func<string, string?> environment, Action<string>? onNotice = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(environment);
        if (spec.Provider != ModelProvider.Auto)
        {
            return spec;
        }

        var model = environment(ModelVariable) is { Length: > 0 } m ? m.Trim() : DefaultOpenAIModel;
        bool hasKey = !string.IsNullOrWhiteSpace(environment(ModelSpec.OpenAIKeyVariable));
        if (environment(BaseUrlVariable) is { Length: > 0 } baseUrl)
        {
            if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri))
            {
                throw new ModelSpecException($"{BaseUrlVariable} '{ModelSpec.Redact(baseUrl)}' is not an absolute http(s) URL");
            }

            return ModelSpec.OpenAICompatible(uri, model, hasKey ? ModelSpec.OpenAIKeyVariable : null);
        }

        if (hasKey)
        {
            return ModelSpec.OpenAI(model);
        }

        onNotice?.Invoke(SimulatedNotice);
        return ModelSpec.Simulator();
    }

    /// <summary>Reads the API key a spec names (kept in memory only), or <see langword="null"/> when it names none.</summary>
    private static string? ReadKey(ModelSpec spec, string noun, Func<string, string?> environment)
    {
        if (spec.ApiKeyVariable is not { } variable)
        {
            return null;
        }

        var key = environment(variable);
        return string.IsNullOrWhiteSpace(key)
            ? throw new ModelSpecException($"{noun} '{spec}' needs an API key: set the environment variable {variable}")
            : key;
    }
}
