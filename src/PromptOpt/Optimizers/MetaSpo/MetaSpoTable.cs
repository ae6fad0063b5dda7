using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PromptOpt.Reporting;

namespace PromptOpt.Optimizers.MetaSpo;

/// <summary>One row of a <see cref="MetaSpoTable"/>: a system prompt and its score per column.</summary>
/// <param name="Label">The row label (e.g. <c>Default</c>, <c>CoT</c>, <c>MetaSPO</c>).</param>
/// <param name="Values">One value per column (metric scale, usually 0–1), <see langword="null"/> when not measured.</param>
public sealed record MetaSpoTableRow(string Label, IReadOnlyList<double?> Values);

/// <summary>
/// A results table shaped like the MetaSPO paper's (ALGORITHMS.md 3.6): one row per system prompt, one column per domain,
/// and a last column <c>Avg</c>, the mean over all tasks (the paper's Avg is task-weighted: 32.2 for Default is the mean
/// over its 14 unseen tasks, not over the 5 domain means). A domain column is the mean over that domain's tasks.
/// </summary>
/// <param name="Title">The title.</param>
/// <param name="Columns">The column names (domains, then <c>Avg</c>).</param>
/// <param name="Rows">The rows.</param>
public sealed record MetaSpoTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<MetaSpoTableRow> Rows)
{
    /// <summary>The name of the last column.</summary>
    public const string AverageColumn = "Avg";

    /// <summary>Builds a table from per-task values.</summary>
    /// <param name="title">The title.</param>
    /// <param name="rowLabels">The row labels.</param>
    /// <param name="tasks">Per task: its domain and one value per row (<see langword="null"/> when not measured).</param>
    /// <returns>The table; domains in first-seen order.</returns>
    public static MetaSpoTable ByDomain(string title, IReadOnlyList<string> rowLabels, IReadOnlyList<(string Domain, IReadOnlyList<double?> Values)> tasks)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(rowLabels);
        ArgumentNullException.ThrowIfNull(tasks);
        var domains = tasks.Select(t => t.Domain).Distinct(StringComparer.Ordinal).ToList();
        var rows = new List<MetaSpoTableRow>();
        for (int r = 0; r < rowLabels.Count; r++)
        {
            var values = domains.Select(d => Mean(tasks.Where(t => t.Domain == d).Select(t => t.Values[r]))).ToList();
            values.Add(Mean(tasks.Select(t => t.Values[r])));
            rows.Add(new MetaSpoTableRow(rowLabels[r], values));
        }

        return new MetaSpoTable(title, [.. domains, AverageColumn], rows);
    }

    /// <summary>Gets a value by row label and column name.</summary>
    /// <param name="row">The row label.</param>
    /// <param name="column">The column name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public double? Get(string row, string column)
    {
        int c = Columns.ToList().IndexOf(column);
        var r = Rows.FirstOrDefault(x => x.Label == row);
        return c < 0 || r is null || c >= r.Values.Count ? null : r.Values[c];
    }

    /// <summary>Renders the table as Markdown, scores ×100 with one decimal as in the paper.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("**").Append(Title).Append("**\n\n");
        sb.Append("| system prompt | ").Append(string.Join(" | ", Columns)).Append(" |\n");
        sb.Append("| --- |").Append(string.Concat(Columns.Select(_ => " ---: |"))).Append('\n');
        foreach (var row in Rows)
        {
            sb.Append("| ").Append(row.Label).Append(" | ")
              .Append(string.Join(" | ", row.Values.Select(v => v is { } x ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) : "—")))
              .Append(" |\n");
        }

        return sb.ToString();
    }

    /// <summary>Writes the table as JSON: <c>{"title", "columns": [..], "rows": [{"label", "values": [..]}]}</c>.</summary>
    /// <returns>The JSON object.</returns>
    public JsonObject ToJson() => new()
    {
        ["title"] = Title,
        ["columns"] = new JsonArray(Columns.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
        ["rows"] = new JsonArray(Rows.Select(r => (JsonNode?)new JsonObject
        {
            ["label"] = r.Label,
            ["values"] = new JsonArray(r.Values.Select(v => v is { } x ? (JsonNode?)JsonValue.Create(x) : null).ToArray()),
        }).ToArray()),
    };

    /// <summary>Reads a table written by <see cref="ToJson"/> (leniently).</summary>
    /// <param name="node">The JSON.</param>
    /// <returns>The table, or <see langword="null"/> when the node is not a table.</returns>
    public static MetaSpoTable? FromJson(JsonNode? node)
    {
        if (DetailsReader.Arr(node, "columns") is not { } cols || DetailsReader.Arr(node, "rows") is not { } rows)
        {
            return null;
        }

        return new MetaSpoTable(
            DetailsReader.Str(node, "title") ?? string.Empty,
            cols.Select(c => c is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty).ToList(),
            DetailsReader.Objects(rows).Select(r => new MetaSpoTableRow(DetailsReader.Str(r, "label") ?? string.Empty, DetailsReader.Numbers(r, "values"))).ToList());
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var list = values.OfType<double>().ToList();
        return list.Count == 0 ? null : list.Average();
    }
}
