using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PromptOpt.Models;
using PromptOpt.Storage;

namespace PromptOpt.Tests.Models;

/// <summary>PromptOpt's middleware on Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>, and the pipeline <see cref="ModelFactory"/> builds with it.</summary>
public sealed class ChatClientBuilderExtensionsTests
{
    private sealed class Recording(IChatClient inner, string name, List<string> log) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            log.Add(name);
            return base.GetResponseAsync(messages, options, cancellationToken);
        }
    }

    private static IChatClient Create(CountingChatClient provider, IResponseCache? cache, ILoggerFactory? loggerFactory = null) =>
        ModelFactory.Create(ModelSpec.Simulator(), ModelRoles.Task, new ModelPipelineOptions
        {
            Cache = cache,
            LoggerFactory = loggerFactory,
            SimulatorFactory = _ => provider,
            Environment = _ => null,
        });

    [Fact]
    public async Task Use_OurLayers_FirstIsOutermostAsInMeai()
    {
        var log = new List<string>();
        var meter = new UsageMeter();
        var client = new ChatClientBuilder(new CountingChatClient())
            .Use(c => new Recording(c, "outer", log))
            .UseUsageTracking(meter)
            .UseResponseCache(new InMemoryResponseCache())
            .Use(c => new Recording(c, "below-cache", log))
            .Build();

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);

        Assert.Equal(["outer", "below-cache", "outer"], log); // the repeat is answered by the cache
        Assert.Equal(1, meter.Snapshot().For(ModelRoles.Task).CachedCalls);
    }

    [Fact]
    public void Create_Pipeline_HasTheMeaiTelemetryAndOurLayersInOrder()
    {
        using var client = Create(new CountingChatClient(), new InMemoryResponseCache());

        var telemetry = client.GetService<OpenTelemetryChatClient>();
        Assert.NotNull(telemetry);
        Assert.Same(telemetry, client); // outermost
        Assert.NotNull(client.GetService<PromptOptTelemetryChatClient>());
        Assert.NotNull(client.GetService<UsageTrackingChatClient>());
        Assert.NotNull(client.GetService<ResponseCacheChatClient>());
        Assert.NotNull(client.GetService<ThrottlingChatClient>());
        Assert.NotNull(client.GetService<ResilientChatClient>());
        Assert.Null(client.GetService<LoggingChatClient>());
        Assert.Equal("fake-model", client.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void Create_NoCache_HasNoCacheLayer()
    {
        using var client = Create(new CountingChatClient(), cache: null);

        Assert.Null(client.GetService<ResponseCacheChatClient>());
        Assert.NotNull(client.GetService<UsageTrackingChatClient>());
    }

    [Fact]
    public async Task Create_LoggerFactory_LogsEachRealCallThroughMeaiLogging()
    {
        var logger = new ListLoggerFactory();
        using var client = Create(new CountingChatClient(), new InMemoryResponseCache(), logger);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]); // a cache hit: no real call, nothing logged

        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.Equal(2, logger.Lines.Count(l => l.Contains("GetResponseAsync", StringComparison.Ordinal))); // invoked + completed
    }

    /// <summary>Collects log lines at Debug and above.</summary>
    private sealed class ListLoggerFactory : ILoggerFactory, ILogger
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => NullLogger.Instance.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
