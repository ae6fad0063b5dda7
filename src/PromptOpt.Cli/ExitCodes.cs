namespace PromptOpt.Cli;

/// <summary>The exit codes of every <c>promptopt</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A runtime failure (the endpoint failed, the budget ran out, a bug): one line on stderr.</summary>
    public const int RuntimeFailure = 1;

    /// <summary>Bad input (unknown task, bad model spec, missing file, bad data, bad option value): one line on stderr.</summary>
    public const int BadInput = 2;

    /// <summary>Cancelled with Ctrl-C (128 + SIGINT); completed calls stay in the cache, so rerunning resumes.</summary>
    public const int Cancelled = 130;
}
