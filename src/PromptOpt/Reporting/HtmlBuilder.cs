using System.Text;

namespace PromptOpt.Reporting;

/// <summary>
/// Writes well-formed XHTML-ish markup (every element closed, every attribute quoted and escaped), so the report
/// parses both as HTML in a browser and as XML in tests. Text is always escaped; characters that XML forbids
/// (control characters, lone surrogates) in prompts or model output are replaced with U+FFFD.
/// </summary>
internal sealed class HtmlBuilder
{
    private static readonly HashSet<string> BlockTags = new(StringComparer.Ordinal)
    {
        "html", "head", "body", "header", "main", "nav", "footer", "section", "div", "table", "thead", "tbody", "tr",
        "p", "h1", "h2", "h3", "ul", "ol", "li", "svg", "g", "details", "figure", "style", "meta",
    };

    private readonly StringBuilder _sb = new();
    private readonly Stack<string> _open = new();

    /// <summary>Opens an element.</summary>
    public HtmlBuilder Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _sb.Append('<').Append(tag);
        AppendAttributes(attributes);
        _sb.Append('>');
        _open.Push(tag);
        return this;
    }

    /// <summary>Closes the innermost open element, which must be <paramref name="tag"/>.</summary>
    public HtmlBuilder Close(string tag)
    {
        if (_open.Count == 0 || _open.Peek() != tag)
        {
            throw new InvalidOperationException($"closing <{tag}> but the open element is <{(_open.Count == 0 ? "none" : _open.Peek())}>");
        }

        _open.Pop();
        _sb.Append("</").Append(tag).Append('>');
        if (BlockTags.Contains(tag))
        {
            _sb.Append('\n');
        }

        return this;
    }

    /// <summary>Writes an element with escaped text content.</summary>
    public HtmlBuilder Element(string tag, string? text, params (string Name, string? Value)[] attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    /// <summary>Writes a self-closed element (HTML void elements and SVG shapes).</summary>
    public HtmlBuilder Empty(string tag, params (string Name, string? Value)[] attributes)
    {
        _sb.Append('<').Append(tag);
        AppendAttributes(attributes);
        _sb.Append("/>");
        if (BlockTags.Contains(tag))
        {
            _sb.Append('\n');
        }

        return this;
    }

    /// <summary>Writes escaped text.</summary>
    public HtmlBuilder Text(string? text)
    {
        AppendEscaped(_sb, text, attribute: false);
        return this;
    }

    /// <summary>Writes trusted, already well-formed markup (e.g. a rendered chart).</summary>
    public HtmlBuilder Raw(string? markup)
    {
        _sb.Append(markup);
        return this;
    }

    /// <summary>Gets the markup; every opened element must have been closed.</summary>
    public override string ToString()
    {
        if (_open.Count != 0)
        {
            throw new InvalidOperationException($"unclosed element <{_open.Peek()}>");
        }

        return _sb.ToString();
    }

    /// <summary>Escapes text for element content or attribute values.</summary>
    public static string Escape(string? text)
    {
        var sb = new StringBuilder((text?.Length ?? 0) + 16);
        AppendEscaped(sb, text, attribute: true);
        return sb.ToString();
    }

    private void AppendAttributes((string Name, string? Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _sb.Append(' ').Append(name).Append("=\"");
            AppendEscaped(_sb, value, attribute: true);
            _sb.Append('"');
        }
    }

    private static void AppendEscaped(StringBuilder sb, string? text, bool attribute)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append(attribute ? "&quot;" : "\""); break;
                case '\'': sb.Append(attribute ? "&#39;" : "'"); break;
                case '\r':
                    break; // normalise CRLF / CR to LF so output is stable across platforms
                case '\n' or '\t':
                    sb.Append(attribute ? (c == '\n' ? "&#10;" : "&#9;") : c);
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else if (c < 0x20 || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                    {
                        sb.Append('\uFFFD'); // not allowed in XML
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }
    }
}
