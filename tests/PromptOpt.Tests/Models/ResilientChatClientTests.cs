using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using PromptOpt.Models;

namespace PromptOpt.Tests.Models;

public sealed class ResilientChatClientTests
{
    private static readonly ModelRetryOptions Fast = new() { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    private static List<ChatMessage> Ask() => [new(ChatRole.User, "q")];

    [Fact]
    public async Task GetResponseAsync_TransientThenSuccess_RetriesAndCountsRetries()
    {
        int n = 0;
        var inner = new CountingChatClient
        {
            OnGetResponse = (_, _, _) => ++n < 3
                ? throw new HttpRequestException("connection reset")
                : Task.FromResult(CountingChatClient.Reply("ok")),
        };
        var meter = new UsageMeter();
        using var client = new ResilientChatClient(inner, Fast, meter: meter, defaultRole: ModelRoles.Agent);

        var response = await client.GetResponseAsync(Ask());

        Assert.Equal("ok", response.Text);
        Assert.Equal(3, n);
        Assert.Equal(2, meter.Snapshot().For(ModelRoles.Agent).Retries);
    }

    [Fact]
    public async Task GetResponseAsync_NonTransient_FailsAfterOneAttempt()
    {
        int n = 0;
        var inner = new CountingChatClient
        {
            OnGetResponse = (_, _, _) =>
            {
                n++;
                throw new ModelCallException("400 Bad Request from x: nope", 400, false, null, null);
            },
        };
        using var client = new ResilientChatClient(inner, Fast);

        var ex = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync(Ask()));

        Assert.Equal(1, n);
        Assert.Equal("400 Bad Request from x: nope", ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_DoesNotRetry()
    {
        int n = 0;
        using var cts = new CancellationTokenSource();
        var inner = new CountingChatClient
        {
            OnGetResponse = (_, _, ct) =>
            {
                n++;
                cts.Cancel();
                ct.ThrowIfCancellationRequested();
                return Task.FromResult(CountingChatClient.Reply("x"));
            },
        };
        using var client = new ResilientChatClient(inner, Fast);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Ask(), cancellationToken: cts.Token));

        Assert.Equal(1, n);
    }

    [Fact]
    public void Ctor_InvalidOptions_ReportsAllErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ResilientChatClient(new CountingChatClient(),
            new ModelRetryOptions { MaxAttempts = 0, BaseDelay = TimeSpan.FromSeconds(-1) }));

        Assert.Contains("MaxAttempts", ex.Message);
        Assert.Contains("BaseDelay", ex.Message);
    }

    [Fact]
    public void ModelRetryOptions_Ctor_Defaults()
    {
        var o = new ModelRetryOptions();

        Assert.Equal(6, o.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), o.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), o.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(120), o.MaxRetryAfter);
        Assert.True(o.UseJitter);
    }

    [Theory]
    [InlineData(0, 0.5, 1000)]
    [InlineData(1, 0.5, 2000)]
    [InlineData(3, 0.5, 8000)]
    [InlineData(3, 0.0, 4000)]
    [InlineData(10, 0.5, 60000)]
    public void Backoff_Attempt_IsExponentialJitteredAndCapped(int attempt, double uniform, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ModelRetryPipeline.Backoff(new ModelRetryOptions(), attempt, uniform));
    }

    [Theory]
    [InlineData("2", 2.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("Wed, 21 Oct 2015 07:28:00 GMT", 30.0)]
    [InlineData("Wed, 21 Oct 2015 07:00:00 GMT", 0.0)]
    public void ParseRetryAfter_SecondsOrHttpDate_GivesDelay(string header, double seconds)
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2015, 10, 21, 7, 27, 30, TimeSpan.Zero));

        Assert.Equal(TimeSpan.FromSeconds(seconds), ModelErrors.ParseRetryAfter(header, clock));
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-3")]
    public void ParseRetryAfter_Garbage_IsNull(string header)
    {
        Assert.Null(ModelErrors.ParseRetryAfter(header, TimeProvider.System));
    }

    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new ModelCallException("x", 429, true, null, null), true },
        { new ModelCallException("x", 401, false, null, null), false },
        { new HttpRequestException("reset"), true },
        { new HttpRequestException("bad", null, HttpStatusCode.BadRequest), false },
        { new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable), true },
        { new IOException("broken pipe"), true },
        { new TimeoutException(), true },
        { new JsonException("bad json"), true },
        { new TaskCanceledException("timeout"), true },
        { new InvalidOperationException("bug"), false },
        { new ArgumentException("bug"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsTransient_Failure_Classified(Exception exception, bool transient)
    {
        Assert.Equal(transient, ModelErrors.IsTransient(exception, CancellationToken.None));
    }

    [Fact]
    public void IsTransient_CallerCancelled_IsFalse()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.False(ModelErrors.IsTransient(new OperationCanceledException(cts.Token), cts.Token));
    }
}
