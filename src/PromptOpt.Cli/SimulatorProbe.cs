namespace PromptOpt.Cli;

/// <summary>
/// Detects a loopback endpoint that is PromptOpt's own simulator server (it marks every response with
/// <see cref="HeaderName"/>), so results obtained through it are labelled "(simulated)" like in-process ones.
/// </summary>
internal static class SimulatorProbe
{
    /// <summary>The header the simulator server sets on every response.</summary>
    public const string HeaderName = "X-PromptOpt-Simulated";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>Returns whether <paramref name="baseUrl"/> is a loopback PromptOpt simulator server. Never throws.</summary>
    /// <param name="baseUrl">The endpoint's base URL (e.g. <c>http://127.0.0.1:8787/v1/</c>).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when the endpoint answered with the simulator header.</returns>
    public static async Task<bool> IsSimulatorAsync(Uri? baseUrl, CancellationToken cancellationToken)
    {
        // Only loopback endpoints are probed: remote endpoints are never PromptOpt's simulator, and get no extra request.
        if (baseUrl is not { IsLoopback: true })
        {
            return false;
        }

        try
        {
            using var http = new HttpClient { Timeout = Timeout };
            var models = new Uri(baseUrl.ToString().TrimEnd('/') + "/models");
            using var response = await http.GetAsync(models, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.Headers.TryGetValues(HeaderName, out var values)
                && values.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }
}
