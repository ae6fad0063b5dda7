using System.Text.RegularExpressions;

namespace PromptOpt.Storage;

/// <summary>Validates run ids, which appear in file names, URLs and command lines.</summary>
public static partial class RunIds
{
    /// <summary>The longest accepted run id.</summary>
    public const int MaxLength = 128;

    /// <summary>Gets whether <paramref name="runId"/> is valid: 1–128 letters, digits, <c>.</c>, <c>_</c> or <c>-</c>, starting with a letter or digit.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValid(string? runId) => runId is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(runId);

    /// <summary>Throws when <paramref name="runId"/> is invalid.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The run id.</returns>
    /// <exception cref="PromptOptInputException">The run id is invalid; the message says what is accepted.</exception>
    public static string Validate(string? runId)
    {
        if (!IsValid(runId))
        {
            var shown = runId is null ? "(none)" : runId.Length > 40 ? runId[..40] + "…" : runId;
            throw new PromptOptInputException(
                $"invalid run id '{shown.ReplaceLineEndings(" ")}': use 1-{MaxLength} letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        return runId!;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
    private static partial Regex Pattern();
}
