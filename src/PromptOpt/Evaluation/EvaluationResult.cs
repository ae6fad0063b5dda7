using Microsoft.Extensions.AI;
using PromptOpt.Data;

namespace PromptOpt.Evaluation;

/// <summary>Options of an evaluation.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Gets or sets the maximum number of concurrent model calls.</summary>
    /// <value>The default is 16.</value>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Gets or sets the score recorded for an example whose call failed.</summary>
    /// <value>The default is 0.</value>
    public double FailureScore { get; set; }

    /// <summary>
    /// Gets or sets the error budget: once more than this many examples have failed with an error (not a wrong answer),
    /// the evaluation is aborted with an <see cref="EvaluationAbortedException"/> carrying the first error's message,
    /// because it is clearly broken (e.g. 401 on every call). 0 aborts on the first error.
    /// </summary>
    /// <value>The default is 10.</value>
    public int MaxErrors { get; set; } = 10;

    /// <summary>Gets or sets the sampling temperature for the task model.</summary>
    /// <value>The default is 0.</value>
    public float Temperature { get; set; }

    /// <summary>Gets or sets the sample index (distinct samples at temperature &gt; 0).</summary>
    /// <value>The default is 0.</value>
    public int SampleIndex { get; set; }

    /// <summary>Gets or sets the maximum output tokens per call, or <see langword="null"/> for the provider default.</summary>
    /// <value>The default is 512.</value>
    public int? MaxOutputTokens { get; set; } = 512;

    /// <summary>Gets or sets the role the calls are made under (<see cref="Models.ModelRoles.Task"/> or <see cref="Models.ModelRoles.Test"/>).</summary>
    /// <value>The default is <c>task</c>.</value>
    public string Role { get; set; } = Models.ModelRoles.Task;

    /// <summary>Gets a copy.</summary>
    /// <returns>The copy.</returns>
    public EvaluationOptions Clone() => (EvaluationOptions)MemberwiseClone();
}

/// <summary>The outcome of one example: never an exception.</summary>
/// <param name="Example">The example.</param>
/// <param name="Messages">The rendered messages sent to the model.</param>
/// <param name="Response">The raw response text, or <see langword="null"/> on error.</param>
/// <param name="Prediction">The parsed prediction, or <see langword="null"/>.</param>
/// <param name="Score">The score (the failure score on error).</param>
/// <param name="Feedback">The metric's feedback.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CacheHit">Whether the response came from the cache.</param>
/// <param name="Error">The error message when the call failed.</param>
public sealed record ExampleResult(
    Example Example,
    IReadOnlyList<ChatMessage> Messages,
    string? Response,
    string? Prediction,
    double Score,
    string? Feedback,
    long InputTokens,
    long OutputTokens,
    bool CacheHit,
    string? Error)
{
    /// <summary>Gets whether the example counts as a failure (score below 1, or an error).</summary>
    public bool IsFailure => Error is not null || Score < 1.0;
}

/// <summary>The result of evaluating a prompt on a list of examples.</summary>
/// <param name="Score">The aggregate score (the metric's aggregate, e.g. mean or macro-F1).</param>
/// <param name="Results">Per-example results in input order.</param>
public sealed record EvaluationResult(double Score, IReadOnlyList<ExampleResult> Results)
{
    /// <summary>Gets the failed examples, in input order.</summary>
    public IReadOnlyList<ExampleResult> Failures => Results.Where(r => r.IsFailure).ToList();

    /// <summary>Gets the number of calls answered from the cache.</summary>
    public int CacheHits => Results.Count(r => r.CacheHit);

    /// <summary>Gets the number of examples that failed with an error.</summary>
    public int Errors => Results.Count(r => r.Error is not null);
}

/// <summary>
/// Thrown when an evaluation exceeded its error budget. The message is one line: the error count, the budget and the first
/// error's message; <see cref="Exception.InnerException"/> is the first error.
/// </summary>
public sealed class EvaluationAbortedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="EvaluationAbortedException"/> class.</summary>
    public EvaluationAbortedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EvaluationAbortedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public EvaluationAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EvaluationAbortedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The first error.</param>
    public EvaluationAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
