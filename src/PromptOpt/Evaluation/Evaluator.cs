using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Evaluation;

/// <summary>
/// Evaluates a prompt on examples with bounded concurrency, returning per-example results in input order. One failing
/// example is a recorded failure with <see cref="EvaluationOptions.FailureScore"/>, never an exception; more than
/// <see cref="EvaluationOptions.MaxErrors"/> errors abort the evaluation with the first error's message.
/// Budget exhaustion and cancellation propagate.
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
        var results = new ExampleResult[examples.Count];
        int errors = 0;
        Exception? firstError = null;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, examples.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxConcurrency), CancellationToken = abort.Token },
                async (i, ct) =>
                {
                    var example = examples[i];
                    var messages = (IReadOnlyList<ChatMessage>)prompt.Render(example.Input);
                    try
                    {
                        var response = await model.GetResponseAsync(messages, chatOptions, ct).ConfigureAwait(false);
                        var text = response.Text ?? string.Empty;
                        var m = metric.Score(text, example);
                        results[i] = new ExampleResult(example, messages, text, m.Prediction, m.Score, m.Feedback,
                            response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0, response.IsCacheHit(), null);
                    }
                    catch (OperationCanceledException)
                    {
                        throw;
                    }
                    catch (BudgetExhaustedException)
                    {
                        throw;
                    }
                    catch (Exception ex)
                    {
                        results[i] = new ExampleResult(example, messages, null, null, options.FailureScore, null, 0, 0, false, ex.Message);
                        Interlocked.CompareExchange(ref firstError, ex, null);
                        if (Interlocked.Increment(ref errors) > options.MaxErrors)
                        {
                            await abort.CancelAsync().ConfigureAwait(false);
                        }
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && firstError is not null)
        {
            throw new EvaluationAbortedException(
                $"evaluation aborted after {Volatile.Read(ref errors)} errors (error budget {options.MaxErrors}); first error: {firstError.Message}", firstError);
        }

        var score = metric.Aggregate(results.Select(r => (r.Prediction, r.Example, r.Score)).ToList());
        return new EvaluationResult(score, results);
    }
}
