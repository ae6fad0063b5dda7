namespace PromptOpt;

/// <summary>Facts about this build of PromptOpt.</summary>
public static class PromptOptInfo
{
    /// <summary>The library version written into artifacts and reports.</summary>
    public const string Version = "0.1.0";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string TelemetryName = "PromptOpt";
}
