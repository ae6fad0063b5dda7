using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Storage;

namespace PromptOpt.Tests.Models;

public sealed class ModelFactoryTests
{
    /// <summary>The full DESIGN pipeline over a fake provider registered as the simulator.</summary>
    internal static IChatClient Pipeline(IChatClient provider, IResponseCache? cache, UsageMeter? meter = null) =>
        ModelFactory.Create(ModelSpec.Simulator(), ModelRoles.Task, new ModelPipelineOptions
        {
            Usage = meter ?? new UsageMeter(),
            Cache = cache,
            SimulatorFactory = _ => provider,
            Environment = _ => null,
        });

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void ResolveAuto_BaseUrlSet_UsesOpenAICompatibleWithDefaultModel()
    {
        var spec = ModelFactory.ResolveAuto(ModelSpec.Auto, Env(("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")));

        Assert.Equal("openai-compatible:http://127.0.0.1:9/v1|gpt-4o-mini", spec.ToString());
    }

    [Fact]
    public void ResolveAuto_BaseUrlAndKeyAndModelSet_UsesThemAll()
    {
        var spec = ModelFactory.ResolveAuto(ModelSpec.Auto,
            Env(("OPENAI_BASE_URL", "https://h/v1"), ("OPENAI_API_KEY", "sk-x"), ("PROMPTOPT_MODEL", "llama3")));

        Assert.Equal("openai-compatible:https://h/v1|llama3|OPENAI_API_KEY", spec.ToString());
    }

    [Fact]
    public void ResolveAuto_OnlyKeySet_UsesOpenAIDefaultModel()
    {
        string? notice = null;

        var spec = ModelFactory.ResolveAuto(ModelSpec.Auto, Env(("OPENAI_API_KEY", "sk-x")), n => notice = n);

        Assert.Equal("openai:gpt-4o-mini", spec.ToString());
        Assert.Null(notice);
    }

    [Fact]
    public void ResolveAuto_NothingSet_UsesSimulatorWithNotice()
    {
        var notices = new List<string>();

        var spec = ModelFactory.ResolveAuto(ModelSpec.Auto, Env(), notices.Add);

        Assert.Equal(ModelProvider.Simulator, spec.Provider);
        Assert.Equal([ModelFactory.SimulatedNotice], notices);
        Assert.Contains("SIMULATED", notices[0]);
    }

    [Fact]
    public void ResolveAuto_BadBaseUrl_ThrowsNamingVariable()
    {
        var ex = Assert.Throws<ModelSpecException>(() => ModelFactory.ResolveAuto(ModelSpec.Auto, Env(("OPENAI_BASE_URL", "not a url"))));

        Assert.Contains("OPENAI_BASE_URL", ex.Message);
    }

    [Fact]
    public void Create_SimWithoutSimulator_ThrowsClearError()
    {
        var ex = Assert.Throws<ModelSpecException>(() => ModelFactory.Create(ModelSpec.Parse("sim"), ModelRoles.Task, new ModelPipelineOptions()));

        Assert.Contains("simulator is not available", ex.Message);
    }

    [Fact]
    public void Create_OpenAIWithoutKey_ThrowsNamingVariable()
    {
        var options = new ModelPipelineOptions { Environment = Env() };

        var ex = Assert.Throws<ModelSpecException>(() => ModelFactory.Create(ModelSpec.Parse("openai:gpt-4o-mini"), ModelRoles.Task, options));

        Assert.Contains("OPENAI_API_KEY", ex.Message);
    }

    [Fact]
    public async Task Create_AutoWithoutEndpoint_UsesSimulatorFactoryAndNotifies()
    {
        var notices = new List<string>();
        ModelSpec? built = null;
        var options = new ModelPipelineOptions
        {
            Environment = Env(),
            OnNotice = notices.Add,
            SimulatorFactory = s =>
            {
                built = s;
                return new CountingChatClient();
            },
        };

        using var client = ModelFactory.Create(ModelSpec.Auto, ModelRoles.Task, options);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("echo: hi", response.Text);
        Assert.Equal(ModelProvider.Simulator, built!.Provider);
        Assert.Single(notices);
        Assert.Equal(1, options.Usage.Snapshot().For(ModelRoles.Task).PaidCalls);
    }

    [Fact]
    public async Task Create_OpenAICompatibleOverLoopback_RunsWholePipeline()
    {
        await using var server = await LoopbackServer.StartAsync(
            ScriptedResponse.Error(503, "warming up", LoopbackServer.RetryAfter(0)),
            ScriptedResponse.Completion("42", 8, 2));
        var cache = new InMemoryResponseCache();
        var options = new ModelPipelineOptions
        {
            Cache = cache,
            Environment = Env(("MY_KEY", "sk-loopback-secret-0000")),
            Retry = new ModelRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) },
        };
        var spec = ModelSpec.Parse($"openai-compatible:{server.BaseUrl}|local-model|MY_KEY");
        using var client = ModelFactory.Create(spec, ModelRoles.Optimizer, options);

        var first = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], new ChatOptions().WithPromptOpt(ModelRoles.Optimizer, sampleIndex: 1));
        var second = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], new ChatOptions().WithPromptOpt(ModelRoles.Optimizer, sampleIndex: 1));

        Assert.Equal("42", first.Text);
        Assert.True(second.IsCacheHit());
        Assert.Equal(2, server.Requests.Count); // one 503 + one success; the repeat was a cache hit
        Assert.Equal("Bearer sk-loopback-secret-0000", server.Requests[1].Headers["Authorization"]);
        Assert.Equal("optimizer", server.Requests[1].Json["promptopt"]!["role"]!.GetValue<string>());
        var usage = options.Usage.Snapshot().For(ModelRoles.Optimizer);
        Assert.Equal(2, usage.Calls);
        Assert.Equal(1, usage.PaidCalls);
        Assert.Equal(1, usage.CachedCalls);
        Assert.Equal(1, usage.Retries);
        Assert.Equal(16, usage.InputTokens);
        Assert.Equal(1, cache.Count);
    }
}
