namespace PromptOpt.Simulation.Server;

/// <summary>Options of a <see cref="SimulatorServer"/>.</summary>
public sealed class SimulatorServerOptions
{
    /// <summary>Gets or sets the simulated world the server answers from.</summary>
    /// <value>The default is <see langword="null"/>, which must be replaced before starting.</value>
    public SimulatedWorld? World { get; set; }

    /// <summary>Gets or sets the loopback port; 0 picks a free port.</summary>
    /// <value>The default is 0.</value>
    public int Port { get; set; }

    /// <summary>Gets or sets the mean added latency per request.</summary>
    /// <value>The default is zero.</value>
    public TimeSpan LatencyMean { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets the latency jitter: the delay is uniform in mean ± jitter (never negative), drawn from the seed.</summary>
    /// <value>The default is zero.</value>
    public TimeSpan LatencyJitter { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets the injected faults.</summary>
    /// <value>The default is no faults.</value>
    public SimulatorFaults Faults { get; set; } = new();

    /// <summary>
    /// Gets or sets the seed of latency and fault draws. Each draw is a hash of (seed, request body, how many times that
    /// body was received), so it does not depend on the order concurrent requests arrive in, and a retry of a faulted
    /// request draws afresh.
    /// </summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets the clock (for latency delays and the <c>created</c> field).</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets a recording every computed answer is added to (exact request → exact response bytes); for
    /// <c>bench cost answers=recorded</c>'s untimed pass.
    /// </summary>
    /// <value>The default is <see langword="null"/>: nothing is recorded.</value>
    internal ResponseRecording? RecordTo { get; set; }

    /// <summary>
    /// Gets or sets a recording to answer from: after the latency (and fault draw), a recorded request is answered with
    /// the recorded bytes without computing anything; any other request is answered live and counted as a miss.
    /// </summary>
    /// <value>The default is <see langword="null"/>: every request is answered live.</value>
    internal ResponseRecording? ReplayFrom { get; set; }
}

/// <summary>Fault rates of a <see cref="SimulatorServer"/>: each request (chat completions and embeddings alike) draws at most one fault, in the order listed.</summary>
public sealed class SimulatorFaults
{
    /// <summary>Gets or sets the rate of 429 Too Many Requests with a Retry-After header.</summary>
    /// <value>The default is 0.</value>
    public double RateLimitRate { get; set; }

    /// <summary>Gets or sets the rate of 500 Internal Server Error.</summary>
    /// <value>The default is 0.</value>
    public double ServerErrorRate { get; set; }

    /// <summary>Gets or sets the rate of 503 Service Unavailable.</summary>
    /// <value>The default is 0.</value>
    public double UnavailableRate { get; set; }

    /// <summary>Gets or sets the rate of requests that hang (for <see cref="HangDuration"/>, or until the client gives up).</summary>
    /// <value>The default is 0.</value>
    public double TimeoutRate { get; set; }

    /// <summary>Gets or sets the rate of 200 responses whose JSON body is cut off.</summary>
    /// <value>The default is 0.</value>
    public double MalformedJsonRate { get; set; }

    /// <summary>Gets or sets the rate of connections aborted without a response.</summary>
    /// <value>The default is 0.</value>
    public double DropConnectionRate { get; set; }

    /// <summary>Gets or sets the delay a 429 asks for (sent as <c>Retry-After</c> in whole seconds, rounded up, and <c>retry-after-ms</c>).</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long a timeout fault hangs.</summary>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan HangDuration { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Counts of what a <see cref="SimulatorServer"/> did.</summary>
/// <param name="Requests">POST requests received (chat completions and embeddings).</param>
/// <param name="Completed">Chat-completion requests answered normally.</param>
/// <param name="RateLimited">429 faults.</param>
/// <param name="ServerErrors">500 faults.</param>
/// <param name="Unavailable">503 faults.</param>
/// <param name="Timeouts">Hang faults.</param>
/// <param name="Malformed">Malformed-JSON faults.</param>
/// <param name="Dropped">Dropped connections.</param>
/// <param name="Embeddings">Embeddings requests answered normally.</param>
public sealed record SimulatorServerStats(
    long Requests, long Completed, long RateLimited, long ServerErrors, long Unavailable, long Timeouts, long Malformed, long Dropped, long Embeddings)
{
    /// <summary>Gets the number of injected faults.</summary>
    public long Faults => RateLimited + ServerErrors + Unavailable + Timeouts + Malformed + Dropped;
}
