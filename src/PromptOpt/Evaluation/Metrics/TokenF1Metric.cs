using System.Globalization;
using System.Text;
using PromptOpt.Data;

namespace PromptOpt.Evaluation.Metrics;

/// <summary>
/// SQuAD-style token F1 between the extracted answer (<see cref="AnswerExtractor.ExtractAnswer"/>) and the target (the
/// best over the target and <c>meta.answers</c>), after lower-casing, removing punctuation and the articles a/an/the,
/// and collapsing whitespace. The score is in [0, 1]; a score below 1 counts as a failure.
/// </summary>
public sealed class TokenF1Metric : IMetric
{
    /// <summary>Gets a shared instance.</summary>
    public static TokenF1Metric Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "token_f1";

    /// <inheritdoc />
    public MetricResult Score(string response, Example example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var answer = AnswerExtractor.ExtractAnswer(response);
        var predicted = Tokens(answer);
        if (predicted.Count == 0)
        {
            return new MetricResult(0, null, MetricFeedback.NoAnswer($"\"{MetricFeedback.Short(example.Target)}\""));
        }

        double best = ExampleAnswers.Accepted(example).Max(gold => F1(predicted, Tokens(gold)));
        var feedback = best >= 1
            ? MetricFeedback.Correct
            : MetricFeedback.Wrong($"\"{MetricFeedback.Short(example.Target)}\"", $"\"{MetricFeedback.Short(answer)}\"")
              + string.Create(CultureInfo.InvariantCulture, $" (token F1 {best:0.00})");
        return new MetricResult(best, answer, feedback);
    }

    /// <summary>Computes token F1 between two token lists (bag of words).</summary>
    /// <param name="predicted">The predicted tokens.</param>
    /// <param name="gold">The gold tokens.</param>
    /// <returns>F1 in [0, 1].</returns>
    internal static double F1(IReadOnlyList<string> predicted, IReadOnlyList<string> gold)
    {
        if (predicted.Count == 0 || gold.Count == 0)
        {
            return predicted.Count == gold.Count ? 1 : 0;
        }

        var counts = gold.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int common = 0;
        foreach (var t in predicted)
        {
            if (counts.TryGetValue(t, out var n) && n > 0)
            {
                counts[t] = n - 1;
                common++;
            }
        }

        if (common == 0)
        {
            return 0;
        }

        double precision = (double)common / predicted.Count;
        double recall = (double)common / gold.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>SQuAD normalisation: lower-case, no punctuation, no articles, split on whitespace.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The tokens.</returns>
    internal static IReadOnlyList<string> Tokens(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var sb = new StringBuilder(text.Length);
        foreach (var ch in text.ToLowerInvariant())
        {
            sb.Append(char.IsPunctuation(ch) || char.IsSymbol(ch) ? ' ' : ch);
        }

        return sb.ToString()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(t => t is not ("a" or "an" or "the"))
            .ToList();
    }
}
