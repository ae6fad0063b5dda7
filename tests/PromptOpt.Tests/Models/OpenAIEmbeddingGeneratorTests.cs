using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Optimizers.Expo;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;
using PromptOpt.Storage;
using PromptOpt.Tests.Simulation;

namespace PromptOpt.Tests.Models;

/// <summary>
/// The provider embedder built by <see cref="ModelFactory.CreateEmbedder"/>, over real HTTP: against the simulator server's
/// <c>/v1/embeddings</c> (deterministic hashing vectors, injected faults) and a scripted loopback server (exact fault sequences).
/// </summary>
public sealed class OpenAIEmbeddingGeneratorTests
{
    private const string Key = "sk-embed-secret-key-1234567890";

    private static readonly string[] Texts =
    [
        "Pick the arm with the highest estimated reward.",
        "Explore arms you have rarely tried before exploiting.",
        "You are choosing among five slot machines.",
        "Think step by step about the history, then answer with one arm id.",
        "Buttons A to E pay out with unknown probabilities.",
    ];

    private static ModelPipelineOptions Options(UsageMeter? meter = null, int batch = 128, IResponseCache? cache = null, TimeSpan? timeout = null, int attempts = 4) => new()
    {
        Usage = meter ?? new UsageMeter(),
        Cache = cache,
        MaxEmbeddingBatchSize = batch,
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(60),
        Environment = name => name == "EMB_KEY" ? Key : null,
        Retry = new ModelRetryOptions { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50), JitterSeed = 1 },
    };

    private static IEmbeddingGenerator<string, Embedding<float>> Embedder(Uri baseUrl, ModelPipelineOptions options, string model = "emb") =>
        ModelFactory.CreateEmbedder(EmbedderSpec.Parse($"openai-compatible:{baseUrl.ToString().TrimEnd('/')}|{model}|EMB_KEY"), options);

    private static Task<SimulatorServer> StartSimulatorAsync(SimulatorFaults? faults = null) =>
        SimulatorServer.StartAsync(new SimulatorServerOptions { World = new SimulatedWorld(), Faults = faults ?? new(), Seed = 1 });

    [Fact]
    public async Task GenerateAsync_SimulatorServer_VectorsEqualTheInProcessHashingEmbedder()
    {
        await using var server = await StartSimulatorAsync();
        var meter = new UsageMeter();
        using var embedder = Embedder(server.BaseUrl, Options(meter));

        var remote = await embedder.GenerateAsync(Texts);
        var local = await new HashingEmbeddingGenerator().GenerateAsync(Texts);

        Assert.Equal(Texts.Length, remote.Count);
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(local[i].Vector.ToArray(), remote[i].Vector.ToArray());
            Assert.Equal("emb", remote[i].ModelId);
        }

        Assert.Equal(1, server.Stats.Embeddings);
        var usage = meter.Snapshot().For(ModelRoles.Embedding);
        Assert.Equal(1, usage.PaidCalls);
        Assert.True(usage.InputTokens > 0);
        Assert.Equal(RoleUsage.Empty, meter.Snapshot().For(ModelRoles.Task));
    }

    [Fact]
    public async Task GenerateAsync_Dimensions_AreSentAndHonoured()
    {
        await using var server = await StartSimulatorAsync();
        using var embedder = Embedder(server.BaseUrl, Options());

        var remote = await embedder.GenerateAsync(Texts[..2], new EmbeddingGenerationOptions { Dimensions = 64 });

        var local = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 64 });
        Assert.All(remote, e => Assert.Equal(64, e.Vector.Length));
        Assert.Equal(local.Embed(Texts[1]), remote[1].Vector.ToArray());
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(2, 3)]
    [InlineData(1, 5)]
    public async Task GenerateAsync_MoreInputsThanBatchSize_SplitsIntoRequestsInOrder(int batch, int requests)
    {
        await using var server = await StartSimulatorAsync();
        var meter = new UsageMeter();
        using var embedder = Embedder(server.BaseUrl, Options(meter, batch));

        var remote = await embedder.GenerateAsync(Texts);

        Assert.Equal(requests, server.Stats.Embeddings);
        Assert.Equal(requests, meter.Snapshot().For(ModelRoles.Embedding).PaidCalls);
        var local = new HashingEmbeddingGenerator();
        Assert.Equal(Texts.Select(local.Embed), remote.Select(e => e.Vector.ToArray()));
        Assert.Equal(meter.Snapshot().For(ModelRoles.Embedding).InputTokens, remote.Usage!.InputTokenCount);
    }

    [Theory]
    [MemberData(nameof(SimFaults.Kinds), MemberType = typeof(SimFaults))]
    public async Task GenerateAsync_SimulatorFaults_RetriedToTheSameVectorsAndCounted(string fault)
    {
        var faults = SimFaults.Of(fault, fault == "timeout" ? 0.2 : 0.3, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(60));
        await using var server = await StartSimulatorAsync(faults);
        var meter = new UsageMeter();
        var texts = Enumerable.Range(0, 40).Select(i => $"exemplar block {i}: arm {i % 5} paid {i % 2}").ToArray();
        using var embedder = Embedder(server.BaseUrl, Options(meter, batch: 2, timeout: fault == "timeout" ? TimeSpan.FromSeconds(2) : null, attempts: 10));

        var remote = await embedder.GenerateAsync(texts);

        var local = new HashingEmbeddingGenerator();
        Assert.Equal(texts.Select(local.Embed), remote.Select(e => e.Vector.ToArray()));
        var stats = server.Stats;
        // A timeout only bounds from below: on a loaded machine the 2 s client timeout also retries a merely slow answer,
        // which the server then serves twice (the same theory as SimFaults.AssertRetriesMatchFaults).
        Assert.True(fault == "timeout" ? stats.Embeddings >= 20 : stats.Embeddings == 20, $"{stats.Embeddings} batches served");
        Assert.True(stats.Faults > 0, "no fault was injected");
        SimFaults.AssertRetriesMatchFaults(fault, stats.Faults, meter.Snapshot().For(ModelRoles.Embedding).Retries);
        Assert.Equal(20, meter.Snapshot().For(ModelRoles.Embedding).Calls);
        Assert.Equal(0, meter.InFlight);
    }

    [Fact]
    public async Task GenerateAsync_Request_SendsModelInputsAndKeyOnTheWire()
    {
        await using var server = await LoopbackServer.StartAsync(r => ScriptedResponse.EmbeddingsFor(r));
        using var embedder = Embedder(server.BaseUrl, Options(), "nomic-embed-text");

        var result = await embedder.GenerateAsync(["alpha", "be"]);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("nomic-embed-text", request.Json["model"]!.GetValue<string>());
        Assert.Equal(["alpha", "be"], request.Json["input"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("Bearer " + Key, request.Headers["Authorization"]);
        Assert.Equal([1f, 2f, 0.5f], result[1].Vector.ToArray()); // a JSON float array (not base64) is read too
        Assert.Equal("test-embed", result[0].ModelId);
        Assert.Equal(7, result.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_429WithRetryAfterThenSuccess_WaitsThatLongAndCountsTheRetry()
    {
        await using var server = await LoopbackServer.StartAsync(r => r.Index == 0
            ? ScriptedResponse.Error(429, "slow down", LoopbackServer.RetryAfter(1))
            : ScriptedResponse.EmbeddingsFor(r));
        var meter = new UsageMeter();
        using var embedder = Embedder(server.BaseUrl, Options(meter));

        var result = await embedder.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, result.Count);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(server.Gap(0, 1) >= TimeSpan.FromMilliseconds(950), $"retried after {server.Gap(0, 1)}, before Retry-After: 1");
        var usage = meter.Snapshot().For(ModelRoles.Embedding);
        Assert.Equal(1, usage.Retries);
        Assert.Equal(1, usage.Calls);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("malformed-json")]
    [InlineData("wrong-vector-count")]
    [InlineData("drop")]
    public async Task GenerateAsync_TransientFailureThenSuccess_Retries(string first)
    {
        await using var server = await LoopbackServer.StartAsync(r => r.Index > 0 ? ScriptedResponse.EmbeddingsFor(r) : first switch
        {
            "500" => ScriptedResponse.Error(500, "boom"),
            "malformed-json" => new ScriptedResponse(200, "{\"object\":\"list\",\"data\":[{\"index\":0,\"embedding\":[0.1,"),
            "wrong-vector-count" => ScriptedResponse.EmbeddingsFor(r with { Body = "{\"input\":[\"only one\"]}" }),
            _ => ScriptedResponse.Drop,
        });
        using var embedder = Embedder(server.BaseUrl, Options());

        var result = await embedder.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, result.Count);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_AlwaysMalformed_GivesUpWithOneLineError()
    {
        await using var server = await LoopbackServer.StartAsync(new ScriptedResponse(200, "{\"object\":\"list\",\"data\":[{\"index\":0,"));
        var meter = new UsageMeter();
        using var embedder = Embedder(server.BaseUrl, Options(meter, attempts: 3));

        var ex = await Assert.ThrowsAsync<ModelCallException>(() => embedder.GenerateAsync(Texts));

        Assert.Equal(3, server.Requests.Count);
        Assert.StartsWith("malformed JSON reply from http://127.0.0.1:", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("(gave up after 3 attempts)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(2, meter.Snapshot().For(ModelRoles.Embedding).Retries);
        Assert.Equal(0, meter.InFlight);
    }

    [Fact]
    public async Task GenerateAsync_401_FailsFastNamingTheKeyVariableNotTheKey()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Error(401, "Incorrect API key provided: " + Key));
        using var embedder = Embedder(server.BaseUrl, Options());

        var ex = await Assert.ThrowsAsync<ModelCallException>(() => embedder.GenerateAsync(Texts));

        Assert.Single(server.Requests);
        Assert.Equal(401, ex.StatusCode);
        Assert.EndsWith("check EMB_KEY", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_404_SaysTheEmbeddingsPathOrModelIsMissing()
    {
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Error(404, "model 'emb' not found"));
        using var embedder = Embedder(server.BaseUrl, Options());

        var ex = await Assert.ThrowsAsync<ModelCallException>(() => embedder.GenerateAsync(Texts));

        Assert.Single(server.Requests);
        Assert.Contains("model 'emb' or the embeddings path does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_WithCache_RepeatIsAHitWithTheSameVectorsAndNoRequest()
    {
        await using var server = await StartSimulatorAsync();
        var meter = new UsageMeter();
        var cache = new InMemoryResponseCache();
        using var embedder = Embedder(server.BaseUrl, Options(meter, batch: 3, cache: cache), "text-embedding-3-small");

        var first = await embedder.GenerateAsync(Texts);
        var second = await embedder.GenerateAsync(Texts);

        Assert.Equal(2, server.Stats.Embeddings);
        Assert.Equal(2, cache.Count);
        Assert.Equal(first.Select(e => e.Vector.ToArray()), second.Select(e => e.Vector.ToArray()));
        var usage = meter.Snapshot().For(ModelRoles.Embedding);
        Assert.Equal(4, usage.Calls);
        Assert.Equal(2, usage.PaidCalls);
        Assert.Equal(2, usage.CachedCalls);
        Assert.Equal(first.Usage!.InputTokenCount, second.Usage!.InputTokenCount);
        Assert.True(usage.EstimatedDollars > 0m, "text-embedding-3-small has a list price");
    }

    [Theory]
    [InlineData("openai-compatible:http://127.0.0.1:9/v1|emb|MISSING_KEY", "MISSING_KEY")]
    [InlineData("openai:text-embedding-3-small", "OPENAI_API_KEY")]
    public void CreateEmbedder_KeyVariableUnset_ThrowsNamingIt(string spec, string variable)
    {
        var options = new ModelPipelineOptions { Environment = _ => null };

        var ex = Assert.Throws<ModelSpecException>(() => ModelFactory.CreateEmbedder(EmbedderSpec.Parse(spec), options));

        Assert.Equal($"embedder '{spec}' needs an API key: set the environment variable {variable}", ex.Message);
    }

    [Theory]
    [InlineData("hash")]
    [InlineData("sim")]
    public async Task CreateEmbedder_BuiltIn_IsTheHashingEmbedderWithoutNetworkOrMetering(string spec)
    {
        var meter = new UsageMeter();

        using var embedder = ModelFactory.CreateEmbedder(EmbedderSpec.Parse(spec), new ModelPipelineOptions { Usage = meter, Environment = _ => null });
        await embedder.GenerateAsync(Texts);

        Assert.IsType<HashingEmbeddingGenerator>(embedder);
        Assert.Empty(meter.Snapshot().ByRole);
    }
}
