using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Models;
using PromptOpt.Storage;
using PromptOpt.Telemetry;

namespace PromptOpt.Tests.Telemetry;

/// <summary>
/// The telemetry of a chat pipeline: Microsoft.Extensions.AI's <see cref="OpenTelemetryChatClient"/> (standard GenAI span and
/// metrics on the <c>PromptOpt</c> source and meter) with <see cref="PromptOptTelemetryChatClient"/>'s attributes and counters.
/// </summary>
public sealed class TelemetryChatClientTests : IDisposable
{
    // Listeners are process-wide and tests run in parallel: every assertion filters on this test's unique model id.
    private readonly string _model = "telemetry-test-" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    public TelemetryChatClientTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PromptOptTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _spans.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == PromptOptTelemetry.Name)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            var d = new Dictionary<string, object?>();
            foreach (var t in tags)
            {
                d[t.Key] = t.Value;
            }

            _measurements.Enqueue((i.Name, v, d));
        });
        _meters.Start();
    }

    private static IChatClient Telemetry(IChatClient inner) => new ChatClientBuilder(inner).UsePromptOptTelemetry().Build();

    [Fact]
    public async Task GetResponseAsync_EachCall_OneSpanWithGenAiAttributesAndCacheHitsMarked()
    {
        var client = Telemetry(new FakeClient(cacheHitEvery: 2));
        for (int i = 0; i < 4; i++)
        {
            var options = new ChatOptions { ModelId = _model, Temperature = 0.7f, MaxOutputTokens = 64 }
                .WithPromptOpt(ModelRoles.Optimizer, new LlmOperation("rewrite_sentence", new JsonObject { ["index"] = i }));
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi " + i)], options);
        }

        var spans = Mine();
        Assert.Equal(4, spans.Count);
        Assert.All(spans, s =>
        {
            Assert.Equal("chat " + _model, s.DisplayName);
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal("chat", s.GetTagItem(TelemetryAttributes.OperationName));
            Assert.Equal(_model, s.GetTagItem(TelemetryAttributes.RequestModel));
            Assert.Equal(_model + "-2025", s.GetTagItem(TelemetryAttributes.ResponseModel));
            Assert.Equal(0.7, Convert.ToDouble(s.GetTagItem(TelemetryAttributes.RequestTemperature), CultureInfo.InvariantCulture), 6);
            Assert.Equal(64L, Convert.ToInt64(s.GetTagItem(TelemetryAttributes.RequestMaxTokens), CultureInfo.InvariantCulture));
            Assert.Equal(11L, Convert.ToInt64(s.GetTagItem(TelemetryAttributes.InputTokens), CultureInfo.InvariantCulture));
            Assert.Equal(3L, Convert.ToInt64(s.GetTagItem(TelemetryAttributes.OutputTokens), CultureInfo.InvariantCulture));
            Assert.Equal("optimizer", s.GetTagItem(TelemetryAttributes.Role));
            Assert.Equal("rewrite_sentence", s.GetTagItem(TelemetryAttributes.Operation));
            Assert.Equal("fake", s.GetTagItem(TelemetryAttributes.ProviderName));
        });
        Assert.Equal([false, true, false, true], spans.Select(s => (bool)s.GetTagItem(TelemetryAttributes.CacheHit)!));
    }

    [Fact]
    public async Task GetResponseAsync_Counters_CallsTokensByTypeAndCacheHits()
    {
        var client = Telemetry(new FakeClient(cacheHitEvery: 3));
        for (int i = 0; i < 3; i++)
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], new ChatOptions { ModelId = _model }.WithPromptOpt(ModelRoles.Task));
        }

        _meters.RecordObservableInstruments();
        var mine = _measurements.Where(m => Equals(m.Tags.GetValueOrDefault(TelemetryAttributes.RequestModel), _model)).ToList();
        Assert.Equal(3, mine.Where(m => m.Instrument == "promptopt.calls").Sum(m => m.Value));
        Assert.All(mine.Where(m => m.Instrument == "promptopt.calls"), m => Assert.Equal("task", m.Tags[TelemetryAttributes.Role]));
        Assert.Equal(33, mine.Where(m => m.Instrument == "promptopt.tokens" && Equals(m.Tags[TelemetryAttributes.TokenType], "input")).Sum(m => m.Value));
        Assert.Equal(9, mine.Where(m => m.Instrument == "promptopt.tokens" && Equals(m.Tags[TelemetryAttributes.TokenType], "output")).Sum(m => m.Value));
        Assert.Equal(1, mine.Where(m => m.Instrument == "promptopt.cache_hits").Sum(m => m.Value));
    }

    [Fact]
    public async Task GetResponseAsync_InnerThrows_SpanMarkedAsErrorAndRethrown()
    {
        var client = Telemetry(new FakeClient(cacheHitEvery: 0) { Throw = true });

        await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], new ChatOptions { ModelId = _model }));

        var span = Assert.Single(Mine());
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(TimeoutException).FullName, span.GetTagItem(TelemetryAttributes.ErrorType));
        Assert.Null(span.GetTagItem(TelemetryAttributes.CacheHit));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OneSpanWithUsageFromTheUpdates()
    {
        var client = Telemetry(new FakeClient(cacheHitEvery: 1));
        var text = string.Empty;

        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "q")], new ChatOptions { ModelId = _model }))
        {
            text += u.Text;
        }

        Assert.Equal("streamed answer", text);
        var span = Assert.Single(Mine());
        Assert.Equal(5L, Convert.ToInt64(span.GetTagItem(TelemetryAttributes.InputTokens), CultureInfo.InvariantCulture));
        Assert.Equal(2L, Convert.ToInt64(span.GetTagItem(TelemetryAttributes.OutputTokens), CultureInfo.InvariantCulture));
        Assert.Equal(true, span.GetTagItem(TelemetryAttributes.CacheHit));
    }

    [Fact]
    public async Task UseTelemetry_OutsideTheCache_MarksTheRepeatedCallAsCacheHit()
    {
        var model = new ChatClientBuilder(new FakeClient(cacheHitEvery: 0)).UsePromptOptTelemetry().UseResponseCache(new InMemoryResponseCache()).Build();
        var options = new ChatOptions { ModelId = _model, Temperature = 0 }.WithPromptOpt(ModelRoles.Task);

        await model.GetResponseAsync([new ChatMessage(ChatRole.User, "same question")], options);
        await model.GetResponseAsync([new ChatMessage(ChatRole.User, "same question")], options);

        Assert.Equal([false, true], Mine().Select(s => (bool)s.GetTagItem(TelemetryAttributes.CacheHit)!));
    }

    [Fact]
    public void Helpers_RunStepEvaluation_NestAndCarryTags()
    {
        var runId = _model;
        using (var run = PromptOptTelemetry.StartRun(runId, "dual-phase", 42))
        using (var step = PromptOptTelemetry.StartStep(2, 5, "rewrite sentence 3"))
        using (var eval = PromptOptTelemetry.StartEvaluation(30, "train", ModelRoles.Task))
        {
            PromptOptTelemetry.RecordEvaluation(eval, 0.75, 4);
            PromptOptTelemetry.RecordRetry(ModelRoles.Task, _model);
        }

        var all = _spans.ToList();
        var runSpan = Assert.Single(all, a => Equals(a.GetTagItem(TelemetryAttributes.RunId), runId));
        var stepSpan = Assert.Single(all, a => a.ParentSpanId == runSpan.SpanId);
        var evalSpan = Assert.Single(all, a => a.ParentSpanId == stepSpan.SpanId);
        Assert.Equal("optimize dual-phase", runSpan.DisplayName);
        Assert.Equal(42, runSpan.GetTagItem(TelemetryAttributes.Seed));
        Assert.Equal("step 2", stepSpan.DisplayName);
        Assert.Equal(5, stepSpan.GetTagItem(TelemetryAttributes.TotalSteps));
        Assert.Equal(0.75, evalSpan.GetTagItem(TelemetryAttributes.Score));
        Assert.Equal(4, evalSpan.GetTagItem(TelemetryAttributes.Failures));
        Assert.Equal("retry", Assert.Single(evalSpan.Events).Name);
        Assert.Equal(1, _measurements.Where(m => m.Instrument == "promptopt.retries" && Equals(m.Tags.GetValueOrDefault(TelemetryAttributes.RequestModel), _model)).Sum(m => m.Value));
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private List<Activity> Mine() =>
        _spans.Where(a => Equals(a.GetTagItem(TelemetryAttributes.RequestModel), _model)).OrderBy(a => a.StartTimeUtc).ThenBy(a => a.SpanId.ToHexString(), StringComparer.Ordinal).ToList();

    /// <summary>Answers every call; every <c>cacheHitEvery</c>-th call is tagged as a cache hit, as the caching middleware does.</summary>
    private sealed class FakeClient(int cacheHitEvery) : IChatClient
    {
        private int _calls;

        public bool Throw { get; init; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Throw)
            {
                throw new TimeoutException("slow");
            }

            var n = Interlocked.Increment(ref _calls);
            var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer"))
            {
                ModelId = options?.ModelId + "-2025",
                Usage = new UsageDetails { InputTokenCount = 11, OutputTokenCount = 3 },
                FinishReason = ChatFinishReason.Stop,
            };
            if (cacheHitEvery > 0 && n % cacheHitEvery == 0)
            {
                response.AdditionalProperties = new() { [ChatOptionKeys.CacheHit] = true };
            }

            return Task.FromResult(response);
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "streamed ");
            yield return new ChatResponseUpdate(ChatRole.Assistant, "answer")
            {
                Contents = { new UsageContent(new UsageDetails { InputTokenCount = 5, OutputTokenCount = 2 }) },
                AdditionalProperties = new() { [ChatOptionKeys.CacheHit] = true },
            };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake", null, "fake-default") : null;

        public void Dispose()
        {
        }
    }
}
