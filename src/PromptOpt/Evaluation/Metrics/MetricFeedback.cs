namespace PromptOpt.Evaluation.Metrics;

/// <summary>The feedback sentences every metric uses, so optimizers see one vocabulary.</summary>
internal static class MetricFeedback
{
    public const string Correct = "correct";

    public static string NoAnswer(string expected) => $"no answer could be parsed; expected {expected}";

    public static string Wrong(string expected, string got) => $"expected {expected}, got {got}";

    /// <summary>Keeps feedback one short line.</summary>
    public static string Short(string text)
    {
        var one = text.ReplaceLineEndings(" ").Trim();
        return one.Length <= 80 ? one : one[..77] + "...";
    }
}
