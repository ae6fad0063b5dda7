using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PromptOpt.Optimizers.Expo;

namespace PromptOpt.Simulation.Server;

/// <summary>
/// A loopback OpenAI-compatible HTTP server serving a SIMULATED model from a <see cref="SimulatedWorld"/>
/// (SIMULATOR.md, "Serving it over HTTP"). Bound to 127.0.0.1 only. Endpoints: <c>POST /v1/chat/completions</c>
/// (OpenAI request and response JSON, usage included, <c>stream: true</c> answered as one chunk), <c>POST /v1/embeddings</c>
/// (the built-in <see cref="HashingEmbeddingGenerator"/>'s vectors, deterministic, as floats or base64, honouring
/// <c>dimensions</c>), <c>GET /v1/models</c>, and <c>GET /</c> with the <see cref="Banner"/>. Latency and faults are
/// configurable (<see cref="SimulatorServerOptions"/>) and apply to both POST endpoints alike.
/// </summary>
/// <remarks>
/// Plain OpenAI requests carry no operation, so they are answered as the task role (by the answer key); an optimizer
/// template sent that way gets a task-style reply without the expected tag (and so is retried, then dropped, by
/// <see cref="Prompts.PromptOperations"/>). A request may carry PromptOpt's tags in a non-standard top-level object
/// <c>"promptopt": {"role": …, "op": {"name": …, "args": {…}}, "sample": n}</c> (what PromptOpt's OpenAI adapter sends to
/// loopback endpoints); then optimizer and agent operations are answered exactly as in-process.
/// </remarks>
public sealed class SimulatorServer : IAsyncDisposable
{
    /// <summary>The banner: what this server is.</summary>
    public const string Banner = "PromptOpt SIMULATOR: an OpenAI-compatible endpoint serving a simulated, deterministic LLM. Responses are simulated, not produced by a real model.";

    private readonly WebApplication _app;
    private readonly SimulatorServerOptions _options;
    private readonly SimulatedWorld _world;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<ulong, int> _attempts = new();
    private readonly ConcurrentDictionary<int, HashingEmbeddingGenerator> _embedders = new();
    private readonly SimulatedChatClient _tokens; // counts tokens only (stateless)
    private readonly string _modelId; // the world's identity (name and seed), reported by /v1/models and on every completion
    private long _requests, _completed, _rateLimited, _serverErrors, _unavailable, _timeouts, _malformed, _dropped, _embedded;

    private SimulatorServer(WebApplication app, SimulatorServerOptions options, SimulatedWorld world)
    {
        _app = app;
        _options = options;
        _world = world;
        _tokens = new SimulatedChatClient(world);
        _modelId = _tokens.ModelIdentity;
    }

    /// <summary>Gets the base URL of the OpenAI API, e.g. <c>http://127.0.0.1:5123/v1/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Gets the port.</summary>
    public int Port => BaseUrl.Port;

    /// <summary>Gets the world served.</summary>
    public SimulatedWorld World => _world;

    /// <summary>Gets a snapshot of the request and fault counts.</summary>
    public SimulatorServerStats Stats => new(
        Interlocked.Read(ref _requests), Interlocked.Read(ref _completed), Interlocked.Read(ref _rateLimited), Interlocked.Read(ref _serverErrors),
        Interlocked.Read(ref _unavailable), Interlocked.Read(ref _timeouts), Interlocked.Read(ref _malformed), Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _embedded));

    /// <summary>Starts a server in-process.</summary>
    /// <param name="options">The options (<see cref="SimulatorServerOptions.World"/> is required).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<SimulatorServer> StartAsync(SimulatorServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var world = options.World ?? throw new ArgumentException("SimulatorServerOptions.World is required.", nameof(options));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port);
        });
        var app = builder.Build();
        var server = new SimulatorServer(app, options, world);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the simulator server did not report its address");
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return server;
    }

    /// <summary>Stops the server (hanging requests are released first).</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            context.Abort(); // the client went away or the server is stopping
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value?.TrimEnd('/') ?? string.Empty;
        var method = context.Request.Method;
        context.Response.Headers["X-PromptOpt-Simulated"] = "true";
        if (HttpMethods.IsGet(method) && path.Length == 0)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(Banner + "\n", context.RequestAborted).ConfigureAwait(false);
        }
        else if (HttpMethods.IsGet(method) && path == "/v1/models")
        {
            await WriteJsonAsync(context, 200, OpenAIWire.Models(_modelId)).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(method) && path == "/v1/chat/completions")
        {
            await ServeAsync(context, path, ChatAsync).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(method) && path == "/v1/embeddings")
        {
            await ServeAsync(context, path, EmbeddingsAsync).ConfigureAwait(false);
        }
        else
        {
            await WriteJsonAsync(context, 404, OpenAIWire.Error(
                $"no route {method} {path}; this simulator serves POST /v1/chat/completions, POST /v1/embeddings and GET /v1/models", "not_found")).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The part every POST shares: read the body, count it, add the latency, maybe inject a fault, else answer (from
    /// <see cref="SimulatorServerOptions.ReplayFrom"/> when it holds the request); a <see cref="FormatException"/> from
    /// parsing the request is a 400 with an OpenAI-style error.
    /// </summary>
    private async Task ServeAsync(HttpContext context, string path, Func<HttpContext, string, CancellationToken, Task> answer)
    {
        Interlocked.Increment(ref _requests);
        var body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);

        var key = StableHash.Hash(_options.Seed, body);
        int attempt = _attempts.AddOrUpdate(key, 0, (_, n) => n + 1);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var ct = linked.Token;

        var delay = _options.LatencyMean + (_options.LatencyJitter * ((2 * StableHash.Uniform(_options.Seed, key, attempt, "latency")) - 1));
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _options.TimeProvider, ct).ConfigureAwait(false);
        }

        if (await TryFaultAsync(context, StableHash.Uniform(_options.Seed, key, attempt, "fault"), ct).ConfigureAwait(false))
        {
            return;
        }

        if (_options.ReplayFrom is { } replay && replay.TryReplay(path, body, out var recorded))
        {
            await ReplayAsync(context, path, recorded, ct).ConfigureAwait(false);
            return;
        }

        try
        {
            if (_options.RecordTo is { } recording)
            {
                await RecordAsync(context, path, body, answer, recording, ct).ConfigureAwait(false);
            }
            else
            {
                await answer(context, body, ct).ConfigureAwait(false);
            }
        }
        catch (FormatException ex)
        {
            // Thrown only while parsing the request, before anything is written.
            await WriteJsonAsync(context, 400, OpenAIWire.Error(ex.Message, "invalid_request_error")).ConfigureAwait(false);
        }
    }

    /// <summary>Answers with a recorded response's exact bytes, counted as the live answer would have been.</summary>
    private async Task ReplayAsync(HttpContext context, string path, RecordedResponse recorded, CancellationToken ct)
    {
        if (recorded.Status == 200)
        {
            Interlocked.Increment(ref path == "/v1/embeddings" ? ref _embedded : ref _completed);
        }

        context.Response.StatusCode = recorded.Status;
        if (recorded.ContentType is { } type)
        {
            context.Response.ContentType = type;
        }

        await context.Response.Body.WriteAsync(recorded.Body, ct).ConfigureAwait(false);
    }

    /// <summary>Answers live with the response body captured, then sends it and adds it to the recording.</summary>
    private static async Task RecordAsync(
        HttpContext context, string path, string body, Func<HttpContext, string, CancellationToken, Task> answer, ResponseRecording recording, CancellationToken ct)
    {
        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured; // also what HttpResponse.WriteAsync(string)'s BodyWriter writes to
        try
        {
            await answer(context, body, ct).ConfigureAwait(false);
            await context.Response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        var bytes = captured.ToArray();
        recording.Add(path, body, new RecordedResponse(context.Response.StatusCode, context.Response.ContentType, bytes));
        await context.Response.Body.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    private async Task ChatAsync(HttpContext context, string body, CancellationToken ct)
    {
        var request = OpenAIWire.ParseRequest(body);

        var text = _world.Respond(request.Messages, request.Operation, request.SampleIndex);
        long input = 0;
        foreach (var m in request.Messages)
        {
            input += _tokens.CountTokens(m.Text);
        }

        long output = _tokens.CountTokens(text);
        long created = _options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        var id = "chatcmpl-sim-" + StableHash.Hash(_world.Seed, body).ToString("x16", CultureInfo.InvariantCulture);
        Interlocked.Increment(ref _completed);
        if (request.Stream)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(OpenAIWire.StreamChunks(id, created, _modelId, text, input, output, request.IncludeUsage), ct).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(OpenAIWire.CompletionUtf8(id, created, _modelId, text, input, output), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task EmbeddingsAsync(HttpContext context, string body, CancellationToken ct)
    {
        var request = OpenAIWire.ParseEmbeddingsRequest(body);

        var embedder = _embedders.GetOrAdd(request.Dimensions ?? 0, d => new HashingEmbeddingGenerator(d == 0 ? null : new HashingEmbeddingOptions { Dimensions = d }));
        var vectors = request.Inputs.Select(embedder.Embed).ToList();
        long tokens = request.Inputs.Sum(_tokens.CountTokens);
        var model = request.Model ?? embedder.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!;
        Interlocked.Increment(ref _embedded);
        await WriteJsonAsync(context, 200, OpenAIWire.Embeddings(model, vectors, request.Base64, tokens), ct).ConfigureAwait(false);
    }

    private async Task<bool> TryFaultAsync(HttpContext context, double u, CancellationToken ct)
    {
        var f = _options.Faults;
        double edge = 0;
        bool Hit(double rate)
        {
            edge += Math.Max(0, rate);
            return u < edge;
        }

        if (Hit(f.RateLimitRate))
        {
            Interlocked.Increment(ref _rateLimited);
            context.Response.Headers["Retry-After"] = Math.Ceiling(f.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["retry-after-ms"] = Math.Ceiling(f.RetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            await WriteJsonAsync(context, 429, OpenAIWire.Error("simulated rate limit: too many requests", "rate_limit_exceeded")).ConfigureAwait(false);
        }
        else if (Hit(f.ServerErrorRate))
        {
            Interlocked.Increment(ref _serverErrors);
            await WriteJsonAsync(context, 500, OpenAIWire.Error("simulated internal server error", "server_error")).ConfigureAwait(false);
        }
        else if (Hit(f.UnavailableRate))
        {
            Interlocked.Increment(ref _unavailable);
            await WriteJsonAsync(context, 503, OpenAIWire.Error("simulated overload: service unavailable", "service_unavailable")).ConfigureAwait(false);
        }
        else if (Hit(f.TimeoutRate))
        {
            Interlocked.Increment(ref _timeouts);
            try
            {
                await Task.Delay(f.HangDuration, _options.TimeProvider, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
                return true;
            }

            await WriteJsonAsync(context, 504, OpenAIWire.Error("simulated timeout", "timeout")).ConfigureAwait(false);
        }
        else if (Hit(f.MalformedJsonRate))
        {
            Interlocked.Increment(ref _malformed);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(OpenAIWire.MalformedBody, ct).ConfigureAwait(false);
        }
        else if (Hit(f.DropConnectionRate))
        {
            Interlocked.Increment(ref _dropped);
            context.Abort();
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads the request body as text: UTF-8, or what a <see cref="StreamReader"/> would detect from a byte-order mark
    /// (kept for such bodies). The common case decodes the buffered bytes once, without a reader's buffers.
    /// </summary>
    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 1024);
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length >= 2 && (bytes[0] is 0xEF or 0xFE or 0xFF || (bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0)))
        {
            buffer.Position = 0;
            using var reader = new StreamReader(buffer, leaveOpen: true);
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, string json, CancellationToken? cancellationToken = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, cancellationToken ?? context.RequestAborted).ConfigureAwait(false);
    }
}
