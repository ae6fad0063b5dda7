using System.Text.RegularExpressions;

namespace PromptOpt.Models;

/// <summary>Masks anything that looks like an API key (e.g. <c>sk-…</c>, bearer tokens) in text bound for messages, logs or the store.</summary>
internal static partial class SecretRedactor
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "***";

    /// <summary>Masks key-like substrings, and every occurrence of <paramref name="knownSecret"/> when given.</summary>
    /// <param name="text">The text.</param>
    /// <param name="knownSecret">A secret known to the caller (the API key in use), or <see langword="null"/>.</param>
    /// <returns>The masked text.</returns>
    public static string Redact(string text, string? knownSecret = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!string.IsNullOrEmpty(knownSecret) && knownSecret.Length >= 4)
        {
            text = text.Replace(knownSecret, Mask, StringComparison.Ordinal);
        }

        return KeyPattern().Replace(text, m => m.Groups["prefix"].Value + Mask);
    }

    // OpenAI-style keys (sk-…, sk-proj-…, also masked forms like sk-abc***xyz) and "Bearer <token>".
    [GeneratedRegex(@"(?<prefix>\b(?:sk|rk|pk)-)[A-Za-z0-9_\-\*]{6,}|(?<prefix>Bearer\s+)[A-Za-z0-9_\-\.=\*]{6,}", RegexOptions.IgnoreCase)]
    private static partial Regex KeyPattern();
}
