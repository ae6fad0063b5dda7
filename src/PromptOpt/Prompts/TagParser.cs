using System.Text.RegularExpressions;

namespace PromptOpt.Prompts;

/// <summary>
/// Tolerant extraction of text inside a named tag (<c>&lt;prompt&gt;…&lt;/prompt&gt;</c>): the tag name is matched
/// case-insensitively, whitespace inside the angle brackets and attributes are allowed, and a final opening tag without
/// its closing tag takes the rest of the text. Simulated and real optimizer replies go through this same parser.
/// </summary>
internal static class TagParser
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>Extracts the last non-empty block of <paramref name="tag"/> (models often echo the template's tags before answering).</summary>
    /// <param name="text">The reply text.</param>
    /// <param name="tag">The tag name, without brackets.</param>
    /// <returns>The trimmed content, or <see langword="null"/> when there is no non-empty block.</returns>
    public static string? Extract(string? text, string tag)
    {
        var all = ExtractAll(text, tag);
        return all.Count == 0 ? null : all[^1];
    }

    /// <summary>Extracts every non-empty block of <paramref name="tag"/>, in order.</summary>
    /// <param name="text">The reply text.</param>
    /// <param name="tag">The tag name, without brackets.</param>
    /// <returns>The trimmed contents (empty when there is none).</returns>
    public static IReadOnlyList<string> ExtractAll(string? text, string tag)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        var result = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        var name = Regex.Escape(tag.Trim());
        var open = new Regex(@"<\s*" + name + @"(\s[^<>]*)?>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);
        var close = new Regex(@"<\s*/\s*" + name + @"\s*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);
        int pos = 0;
        while (pos < text.Length)
        {
            var o = open.Match(text, pos);
            if (!o.Success)
            {
                break;
            }

            int contentStart = o.Index + o.Length;
            var c = close.Match(text, contentStart);
            var nextOpen = open.Match(text, contentStart);
            string content;
            if (c.Success && (!nextOpen.Success || c.Index <= nextOpen.Index))
            {
                content = text[contentStart..c.Index];
                pos = c.Index + c.Length;
            }
            else if (nextOpen.Success)
            {
                content = text[contentStart..nextOpen.Index]; // unclosed block followed by another opening tag
                pos = nextOpen.Index;
            }
            else
            {
                content = text[contentStart..]; // missing closing tag at the end
                pos = text.Length;
            }

            content = content.Trim();
            if (content.Length > 0)
            {
                result.Add(content);
            }
        }

        return result;
    }

    /// <summary>
    /// Parses a numbered list (<c>1. …</c>, <c>2) …</c>) into its items, for replies that ignore the requested tags.
    /// Lines that do not start a new item continue the previous one.
    /// </summary>
    /// <param name="text">The reply text.</param>
    /// <returns>The trimmed items (empty when there is no numbered item).</returns>
    public static IReadOnlyList<string> ParseNumberedList(string? text)
    {
        var items = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return items;
        }

        var item = new Regex(@"^\s*\d{1,3}[.)]\s+(.*)$", RegexOptions.CultureInvariant, Timeout);
        System.Text.StringBuilder? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var m = item.Match(line);
            if (m.Success)
            {
                if (current is not null && current.ToString().Trim() is { Length: > 0 } done)
                {
                    items.Add(done);
                }

                current = new System.Text.StringBuilder(m.Groups[1].Value);
            }
            else if (current is not null && line.Trim().Length > 0)
            {
                current.Append('\n').Append(line.Trim());
            }
        }

        if (current is not null && current.ToString().Trim() is { Length: > 0 } last)
        {
            items.Add(last);
        }

        return items;
    }
}
