using System.Text;

namespace PromptOpt;

/// <summary>The one text normaliser shared by the simulator's hashing, the hashing embedder and answer extraction.</summary>
internal static class TextNormalization
{
    /// <summary>Trims, collapses every run of whitespace to one space and lower-cases (invariant).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalised text (empty for null or whitespace).</returns>
    public static string CollapseLower(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length);
        bool space = false;
        foreach (var ch in text.Trim())
        {
            if (char.IsWhiteSpace(ch))
            {
                space = true;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(char.ToLowerInvariant(ch));
        }

        return sb.ToString();
    }
}
