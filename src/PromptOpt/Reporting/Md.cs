using System.Text;

namespace PromptOpt.Reporting;

/// <summary>Markdown helpers: escaped inline text, tables, fenced blocks.</summary>
internal static class Md
{
    /// <summary>Escapes text for inline use and table cells (one line; Markdown and HTML metacharacters escaped).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in Fmt.Excerpt(text, int.MaxValue))
        {
            switch (c)
            {
                case '\\' or '|' or '*' or '_' or '`' or '[' or ']' or '#' or '~': sb.Append('\\').Append(c); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Renders a table; <paramref name="numeric"/> marks right-aligned columns.</summary>
    public static string Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyList<bool>? numeric = null)
    {
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", headers).Append(" |\n|");
        for (int i = 0; i < headers.Count; i++)
        {
            sb.Append(numeric is not null && i < numeric.Count && numeric[i] ? " ---: |" : " --- |");
        }

        sb.Append('\n');
        foreach (var row in rows)
        {
            sb.Append("| ").AppendJoin(" | ", row.Select(c => c.Length == 0 ? " " : c)).Append(" |\n");
        }

        return sb.ToString();
    }

    /// <summary>Renders a fenced code block whose fence is longer than any backtick run in the text.</summary>
    public static string Fence(string? text, string info = "text")
    {
        var body = (text ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        int longest = 0, run = 0;
        foreach (var c in body)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', Math.Max(3, longest + 1));
        return $"{fence}{info}\n{body}\n{fence}\n";
    }

    /// <summary>Renders an italic note.</summary>
    public static string Note(string text) => "_" + Escape(text) + "_\n";
}
