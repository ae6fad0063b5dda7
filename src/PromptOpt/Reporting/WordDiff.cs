using System.Text;
using System.Text.RegularExpressions;

namespace PromptOpt.Reporting;

/// <summary>
/// A word-level diff: the longest common subsequence over words (whitespace-separated tokens), with each word's
/// leading whitespace kept so line breaks survive. Consecutive changes are merged into one deleted and one inserted run.
/// </summary>
internal static partial class WordDiff
{
    /// <summary>The largest LCS table (cells) computed; larger inputs show as one deletion and one insertion.</summary>
    internal const long MaxCells = 4_000_000;

    /// <summary>What happened to a run of words.</summary>
    internal enum Kind
    {
        /// <summary>In both texts.</summary>
        Same,

        /// <summary>Only in the old text.</summary>
        Deleted,

        /// <summary>Only in the new text.</summary>
        Inserted,
    }

    /// <summary>A run of words of one kind.</summary>
    /// <param name="Kind">The kind.</param>
    /// <param name="Lead">The whitespace before the run (shown outside any highlight).</param>
    /// <param name="Text">The words, with the whitespace between them.</param>
    internal sealed record Piece(Kind Kind, string Lead, string Text);

    /// <summary>Diffs two texts word by word.</summary>
    public static IReadOnlyList<Piece> Diff(string? oldText, string? newText)
    {
        var a = Tokens(oldText ?? string.Empty);
        var b = Tokens(newText ?? string.Empty);
        var ops = new List<(Kind Kind, string Token)>(a.Count + b.Count);
        int pre = 0;
        while (pre < a.Count && pre < b.Count && Word(a[pre]) == Word(b[pre]))
        {
            pre++;
        }

        int suf = 0;
        while (suf < a.Count - pre && suf < b.Count - pre && Word(a[a.Count - 1 - suf]) == Word(b[b.Count - 1 - suf]))
        {
            suf++;
        }

        for (int i = 0; i < pre; i++)
        {
            ops.Add((Kind.Same, b[i]));
        }

        Middle(a, b, pre, a.Count - suf, pre, b.Count - suf, ops);
        for (int i = b.Count - suf; i < b.Count; i++)
        {
            ops.Add((Kind.Same, b[i]));
        }

        return Merge(ops);
    }

    /// <summary>Renders the diff as HTML (<c>del</c>/<c>ins</c> runs) into <paramref name="h"/>.</summary>
    public static void WriteHtml(HtmlBuilder h, IReadOnlyList<Piece> pieces)
    {
        foreach (var p in pieces)
        {
            h.Text(p.Lead);
            switch (p.Kind)
            {
                case Kind.Same: h.Text(p.Text); break;
                case Kind.Deleted: h.Element("del", p.Text); break;
                default: h.Element("ins", p.Text); break;
            }
        }
    }

    /// <summary>Renders the diff as plain text with git's word-diff markers <c>[-old-]</c> and <c>{+new+}</c>.</summary>
    public static string ToPlain(IReadOnlyList<Piece> pieces)
    {
        var sb = new StringBuilder();
        foreach (var p in pieces)
        {
            sb.Append(p.Lead);
            sb.Append(p.Kind switch { Kind.Deleted => "[-" + p.Text + "-]", Kind.Inserted => "{+" + p.Text + "+}", _ => p.Text });
        }

        return sb.ToString();
    }

    private static void Middle(List<string> a, List<string> b, int a0, int a1, int b0, int b1, List<(Kind, string)> ops)
    {
        int m = a1 - a0, n = b1 - b0;
        if ((long)m * n > MaxCells)
        {
            ops.AddRange(a.Skip(a0).Take(m).Select(t => (Kind.Deleted, t)));
            ops.AddRange(b.Skip(b0).Take(n).Select(t => (Kind.Inserted, t)));
            return;
        }

        // lcs[i, j] = LCS length of a[a0+i..a1) and b[b0+j..b1)
        var lcs = new int[m + 1, n + 1];
        for (int i = m - 1; i >= 0; i--)
        {
            for (int j = n - 1; j >= 0; j--)
            {
                lcs[i, j] = Word(a[a0 + i]) == Word(b[b0 + j]) ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < m || y < n)
        {
            if (x < m && y < n && Word(a[a0 + x]) == Word(b[b0 + y]))
            {
                ops.Add((Kind.Same, b[b0 + y]));
                x++;
                y++;
            }
            else if (x < m && (y == n || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                ops.Add((Kind.Deleted, a[a0 + x]));
                x++;
            }
            else
            {
                ops.Add((Kind.Inserted, b[b0 + y]));
                y++;
            }
        }
    }

    private static List<Piece> Merge(List<(Kind Kind, string Token)> ops)
    {
        // Group changes between unchanged words so a replaced phrase reads "[-old words-] {+new words+}".
        var pieces = new List<Piece>();
        int i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == Kind.Same)
            {
                var sb = new StringBuilder();
                while (i < ops.Count && ops[i].Kind == Kind.Same)
                {
                    sb.Append(ops[i++].Token);
                }

                pieces.Add(new Piece(Kind.Same, string.Empty, sb.ToString()));
                continue;
            }

            var del = new List<string>();
            var ins = new List<string>();
            while (i < ops.Count && ops[i].Kind != Kind.Same)
            {
                (ops[i].Kind == Kind.Deleted ? del : ins).Add(ops[i].Token);
                i++;
            }

            if (del.Count > 0)
            {
                pieces.Add(Run(Kind.Deleted, del));
            }

            if (ins.Count > 0)
            {
                var run = Run(Kind.Inserted, ins);
                pieces.Add(del.Count > 0 && run.Lead.Length == 0 ? run with { Lead = " " } : run); // keep "[-old-] {+new+}" apart
            }
        }

        return pieces;
    }

    private static Piece Run(Kind kind, List<string> tokens)
    {
        var joined = string.Concat(tokens);
        int lead = joined.Length - joined.TrimStart().Length;
        return new Piece(kind, joined[..lead], joined[lead..]);
    }

    private static string Word(string token) => token.TrimStart();

    private static List<string> Tokens(string text) =>
        TokenRegex().Matches(text.Replace("\r\n", "\n", StringComparison.Ordinal)).Select(m => m.Value).ToList();

    [GeneratedRegex(@"\s*\S+", RegexOptions.CultureInvariant)]
    private static partial Regex TokenRegex();
}
