using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PromptOpt.Tests.Models;

/// <summary>A request the loopback server received.</summary>
/// <param name="Index">0-based arrival order.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
/// <param name="Body">The body text.</param>
/// <param name="Headers">The headers (first value of each).</param>
/// <param name="Timestamp">The <see cref="Stopwatch.GetTimestamp"/> at arrival.</param>
public sealed record RecordedRequest(int Index, string Method, string Path, string Body, IReadOnlyDictionary<string, string> Headers, long Timestamp)
{
    /// <summary>Gets the body parsed as a JSON object.</summary>
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>What the loopback server answers.</summary>
/// <param name="Status">The status.</param>
/// <param name="Body">The body.</param>
/// <param name="Headers">Extra headers, or <see langword="null"/>.</param>
/// <param name="Abort">Drop the connection without answering.</param>
/// <param name="Delay">Wait this long before answering, or <see langword="null"/>.</param>
public sealed record ScriptedResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, bool Abort = false, TimeSpan? Delay = null)
{
    /// <summary>A chat-completions success.</summary>
    public static ScriptedResponse Completion(string text, int inputTokens = 11, int outputTokens = 7, string model = "test-model") =>
        new(200, new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = inputTokens,
                ["completion_tokens"] = outputTokens,
                ["total_tokens"] = inputTokens + outputTokens,
            },
        }.ToJsonString());

    /// <summary>
    /// An embeddings success answering <paramref name="request"/>: for input i (text t), the vector [i, |t|, 0.5] as a JSON
    /// float array, and usage of one token per input character.
    /// </summary>
    public static ScriptedResponse EmbeddingsFor(RecordedRequest request, string model = "test-embed")
    {
        var inputs = request.Json["input"] is JsonArray a ? a.Select(n => n!.GetValue<string>()).ToList() : [request.Json["input"]!.GetValue<string>()];
        return new(200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(inputs.Select((t, i) => (JsonNode)new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = new JsonArray(i, t.Length, 0.5),
            }).ToArray()),
            ["model"] = model,
            ["usage"] = new JsonObject { ["prompt_tokens"] = inputs.Sum(t => t.Length), ["total_tokens"] = inputs.Sum(t => t.Length) },
        }.ToJsonString());
    }

    /// <summary>An OpenAI-style error.</summary>
    public static ScriptedResponse Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null, string? code = null) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "error", ["code"] = code } }.ToJsonString(), headers);

    /// <summary>A dropped connection.</summary>
    public static ScriptedResponse Drop { get; } = new(0, string.Empty, null, Abort: true);
}

/// <summary>
/// A minimal Kestrel server on 127.0.0.1:0 that records every request and answers from a script, for wire-level tests of
/// the OpenAI adapter and the middleware.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _count;

    private LoopbackServer(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    /// <summary>Gets the server root, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri Root { get; }

    /// <summary>Gets the OpenAI-style base URL (<c>{root}v1</c>).</summary>
    public Uri BaseUrl => new(Root, "v1");

    /// <summary>Gets the recorded requests in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.OrderBy(r => r.Index).ToList();

    /// <summary>Starts a server that answers each request with <paramref name="handler"/>.</summary>
    /// <param name="handler">The script: (request) → response.</param>
    /// <returns>The started server.</returns>
    public static async Task<LoopbackServer> StartAsync(Func<RecordedRequest, ScriptedResponse> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LoopbackServer? server = null;
        app.Run(async ctx =>
        {
            var ts = Stopwatch.GetTimestamp();
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new RecordedRequest(Interlocked.Increment(ref server!._count) - 1, ctx.Request.Method, ctx.Request.Path, body, headers, ts);
            server._requests.Enqueue(request);
            var response = handler(request);
            if (response.Delay is { } delay)
            {
                try
                {
                    await Task.Delay(delay, ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            if (response.Abort)
            {
                ctx.Abort();
                return;
            }

            ctx.Response.StatusCode = response.Status;
            ctx.Response.ContentType = "application/json";
            foreach (var (k, v) in response.Headers ?? new Dictionary<string, string>())
            {
                ctx.Response.Headers[k] = v;
            }

            await ctx.Response.WriteAsync(response.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new LoopbackServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        return server;
    }

    /// <summary>Starts a server that answers the i-th request with <paramref name="script"/>[i] (the last entry repeats).</summary>
    /// <param name="script">The responses.</param>
    /// <returns>The started server.</returns>
    public static Task<LoopbackServer> StartAsync(params ScriptedResponse[] script) =>
        StartAsync(r => script[Math.Min(r.Index, script.Length - 1)]);

    /// <summary>Gets the time between two requests' arrivals.</summary>
    /// <param name="first">The index of the first request.</param>
    /// <param name="second">The index of the second request.</param>
    /// <returns>The gap.</returns>
    public TimeSpan Gap(int first, int second)
    {
        var list = Requests;
        return Stopwatch.GetElapsedTime(list[first].Timestamp, list[second].Timestamp);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Formats seconds for a Retry-After header.</summary>
    /// <param name="seconds">The seconds.</param>
    /// <returns>The header map.</returns>
    public static IReadOnlyDictionary<string, string> RetryAfter(double seconds) =>
        new Dictionary<string, string> { ["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture) };
}
