using PromptOpt.Evaluation;

namespace PromptOpt.Prompts;

/// <summary>
/// An example the task model got wrong, as optimizer templates show it: the input, the model's full response, the parsed
/// prediction and the expected answer (ALGORITHMS.md 3.3, "wrong-example block"; 2.3, failure list).
/// </summary>
/// <param name="Input">The example input.</param>
/// <param name="ModelOutput">The model's full response (empty when the call failed).</param>
/// <param name="Prediction">The parsed prediction, or <see langword="null"/> when none could be parsed.</param>
/// <param name="Expected">The expected (gold) answer.</param>
public sealed record FailureCase(string Input, string ModelOutput, string? Prediction, string Expected)
{
    /// <summary>Builds a failure case from one evaluated example.</summary>
    /// <param name="result">The example result.</param>
    /// <returns>The failure case.</returns>
    public static FailureCase From(ExampleResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new FailureCase(result.Example.Input, result.Response ?? result.Error ?? string.Empty, result.Prediction, result.Example.Target);
    }

    /// <summary>Builds failure cases from the failed results (<see cref="ExampleResult.IsFailure"/>), in order.</summary>
    /// <param name="results">The example results (successes are skipped).</param>
    /// <param name="max">The maximum number to return, or <see langword="null"/> for all.</param>
    /// <returns>The failure cases.</returns>
    public static IReadOnlyList<FailureCase> FromResults(IEnumerable<ExampleResult> results, int? max = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var failures = results.Where(r => r.IsFailure).Select(From);
        return (max is { } m ? failures.Take(m) : failures).ToList();
    }
}
