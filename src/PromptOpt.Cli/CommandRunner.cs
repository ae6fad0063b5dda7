using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;

namespace PromptOpt.Cli;

/// <summary>
/// Runs a command body and maps its outcome to an exit code: <see cref="Storage.RunInUseException"/> → 4 (run in use),
/// <see cref="PromptOptInputException"/> → 2 (bad input),
/// cancellation → 130, anything else → 1; always as one line on stderr ("error: …"), with the stack trace only under
/// <c>--verbose</c>. In <c>--json</c> mode the failure is also the single JSON object on stdout.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/>, mapping exceptions to exit codes.</summary>
    /// <param name="context">The context.</param>
    /// <param name="json">Whether <c>--json</c> was given.</param>
    /// <param name="body">The command body; returns an exit code.</param>
    /// <param name="cancellationToken">The action's token (Ctrl-C).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(CliContext context, bool json, Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (Exception ex)
        {
            return HandleException(context, json, ex, cancellationToken);
        }
    }

    /// <summary>Maps an exception to an exit code and reports it.</summary>
    /// <param name="context">The context.</param>
    /// <param name="json">Whether <c>--json</c> was given.</param>
    /// <param name="exception">The exception.</param>
    /// <param name="cancellationToken">The action's token.</param>
    /// <returns>The exit code.</returns>
    public static int HandleException(CliContext context, bool json, Exception exception, CancellationToken cancellationToken)
    {
        var ex = Unwrap(exception);
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return Fail(context, json, ExitCodes.Cancelled, "cancelled. Completed model calls are in the response cache: run the same command again to resume.");
        }

        // Checked before bad input (it is one): the input is fine, the run is busy; a script may wait and retry.
        if (ex is Storage.RunInUseException)
        {
            return Fail(context, json, ExitCodes.RunInUse, ex.Message);
        }

        if (ex is PromptOptInputException)
        {
            return Fail(context, json, ExitCodes.BadInput, ex.Message);
        }

        // A damaged or unwritable store is the user's file, not a bug: one plain line naming it.
        if (context.StorePath is { } store && Storage.StoreErrors.Describe(store, ex) is { } storeError)
        {
            return Fail(context, json, ExitCodes.BadInput, storeError.Message);
        }

        int code = Fail(context, json, ExitCodes.RuntimeFailure, ex.Message);
        if (context.Verbose)
        {
            // Every line of every inner exception is masked: an endpoint may echo the key in an error body.
            context.Err.WriteLine(Redact(context, ex.ToString()));
        }
        else
        {
            context.Err.WriteLine("(run with --verbose for details)");
        }

        return code;
    }

    /// <summary>Reports a failure: one line on stderr and, in JSON mode, <c>{"error":{…}}</c> on stdout.</summary>
    /// <param name="context">The context.</param>
    /// <param name="json">Whether <c>--json</c> was given.</param>
    /// <param name="exitCode">The exit code.</param>
    /// <param name="message">The message (reduced to its first line).</param>
    /// <returns><paramref name="exitCode"/>.</returns>
    public static int Fail(CliContext context, bool json, int exitCode, string message)
    {
        var line = Redact(context, OneLine(message));
        context.Err.WriteLine("error: " + line);
        if (json)
        {
            JsonOutput.Write(context.Out, new JsonObject
            {
                ["error"] = new JsonObject { ["message"] = line, ["exitCode"] = exitCode },
            });
        }

        return exitCode;
    }

    /// <summary>Masks every API key the command read, and anything key-shaped, in text bound for the terminal.</summary>
    /// <param name="context">The context (its secrets).</param>
    /// <param name="text">The text.</param>
    /// <returns>The masked text.</returns>
    public static string Redact(CliContext context, string text)
    {
        foreach (var secret in context.Secrets)
        {
            text = Models.SecretRedactor.Redact(text, secret);
        }

        return Models.SecretRedactor.Redact(text);
    }

    private static Exception Unwrap(Exception ex)
    {
        while (true)
        {
            switch (ex)
            {
                case AggregateException { InnerExceptions.Count: 1 } agg:
                    ex = agg.InnerExceptions[0];
                    continue;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }:
                    ex = inner;
                    continue;
                default:
                    // A user-input error wrapped by a library layer still means "bad input".
                    return ex.InnerException is PromptOptInputException input && ex is not PromptOptInputException ? input : ex;
            }
        }
    }

    private static string OneLine(string message)
    {
        var trimmed = (message ?? string.Empty).Trim();
        int nl = trimmed.IndexOfAny(['\r', '\n']);
        return nl < 0 ? trimmed : trimmed[..nl].TrimEnd();
    }
}
