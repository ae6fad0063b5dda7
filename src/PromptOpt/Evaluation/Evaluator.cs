using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Evaluation;

/// <summary>
/// Evaluates a prompt on examples with bounded concurrency, returning per-example results in input order. One failing
/// example is a recorded failure with <see cref="EvaluationOptions.FailureScore"/>, never an exception; more than
/// <see cref="EvaluationOptions.MaxErrors"/> errors abort the evaluation with the first error's message. When the budget
/// runs out (a call's reservation throws <see cref="BudgetExhaustedException"/>), no further example starts, the calls
/// already under way finish (they were reserved inside the budget and most have been sent, so they are paid and cached,
/// not thrown away), and then the exception is rethrown. Cancellation propagates at once.
/// </summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="prompt"/> on <paramref name="examples"/>.</summary>
    /// <param name="model">The task model.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="examples">The examples.</param>
    /// <param name="metric">The metric.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The evaluation result.</returns>
    /// <exception cref="EvaluationAbortedException">Too many examples failed with an error.</exception>
    /// <exception cref="BudgetExhaustedException">The budget was spent during the evaluation.</exception>
    public static async Task<EvaluationResult> EvaluateAsync(
        IChatClient model,
        Prompt prompt,
        IReadOnlyList<Example> examples,
        IMetric metric,
        EvaluationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(metric);
        options ??= new EvaluationOptions();

        var chatOptions = new ChatOptions { Temperature = options.Temperature, MaxOutputTokens = options.MaxOutputTokens }
            .WithPromptOpt(options.Role, sampleIndex: options.SampleIndex);
        int maxErrors = Math.Max(0, options.MaxErrors);
        var results = new ExampleResult[examples.Count];
        int errors = 0;
        Exception? firstError = null;
        BudgetExhaustedException? exhausted = null;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, examples.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxConcurrency), CancellationToken = abort.Token },
                async (i, ct) =>
                {
                    if (Volatile.Read(ref exhausted) is not null)
                    {
                        return; // the budget is spent: start nothing more (the calls in flight finish, below)
                    }

                    var example = examples[i];
                    var messages = (IReadOnlyList<ChatMessage>)prompt.Render(example.Input);
                    try
                    {
                        // Each call gets its own copies: middleware may mutate options or the message list, and the
                        // recorded messages must stay exactly what was rendered.
                        var response = await model.GetResponseAsync([.. messages], chatOptions.Clone(), ct).ConfigureAwait(false);
                        var text = response.Text ?? string.Empty;
                        var m = metric.Score(text, example);
                        results[i] = new ExampleResult(example, messages, text, m.Prediction, m.Score, m.Feedback,
                            response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0, response.IsCacheHit(), null);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        // Our cancellation (the caller's, the error budget's or the loop's): propagate. A cancellation
                        // that is not ours (e.g. an HTTP timeout) is an ordinary per-example error below.
                        throw;
                    }
                    catch (BudgetExhaustedException ex)
                    {
                        // Not thrown from here: that would cancel the other calls under way, which hold reservations
                        // inside the budget and mostly have been sent (a provider may bill a request it received even when
                        // the client hangs up). They finish, are metered as paid and cached; the loop starts nothing more.
                        Interlocked.CompareExchange(ref exhausted, ex, null);
                    }
                    catch (Exception ex)
                    {
                        results[i] = new ExampleResult(example, messages, null, null, options.FailureScore, "the call failed: " + ex.Message, 0, 0, false, ex.Message);
                        Interlocked.CompareExchange(ref firstError, ex, null);
                        if (Interlocked.Increment(ref errors) > maxErrors)
                        {
                            await abort.CancelAsync().ConfigureAwait(false);
                        }
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && Volatile.Read(ref errors) > maxErrors)
        {
            if (exhausted is not null)
            {
                ExceptionDispatchInfo.Throw(exhausted); // the budget stop is what the caller acts on
            }

            throw Aborted(errors, maxErrors, firstError!);
        }

        if (exhausted is not null)
        {
            ExceptionDispatchInfo.Throw(exhausted);
        }

        // The last example may push the count over the budget after the loop has nothing left to cancel.
        if (errors > maxErrors)
        {
            throw Aborted(errors, maxErrors, firstError!);
        }

        var score = metric.Aggregate(results.Select(r => (r.Prediction, r.Example, r.Score)).ToList());
        return new EvaluationResult(score, results);
    }

    private static EvaluationAbortedException Aborted(int errors, int maxErrors, Exception firstError) => new(
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"evaluation aborted after {errors} errors (error budget {maxErrors}); first error: {firstError.Message}"),
        firstError);
}
