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

    /// <summary>
    /// A CI gate failed (<c>eval --fail-under</c>, <c>--baseline … --max-drop</c>): the score regressed. One line on stderr says
    /// what regressed; the evaluation's output is complete.
    /// </summary>
    public const int Regression = 3;

    /// <summary>
    /// The run is being run by another live process (its lease, <see cref="Storage.RunInUseException"/>): nothing was done
    /// and nothing is wrong with the input; one line on stderr names the holder. Run the command again once it has finished.
    /// </summary>
    public const int RunInUse = 4;

    /// <summary>Cancelled with Ctrl-C (128 + SIGINT); completed calls stay in the cache, so rerunning resumes.</summary>
    public const int Cancelled = 130;
}
