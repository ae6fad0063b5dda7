namespace PromptOpt.Reporting.Sections;

/// <summary>The run spec exactly as recorded.</summary>
internal sealed class SpecSection : IReportSection
{
    public string Id => "spec";

    public string Title => "Run spec";

    public bool AppliesTo(string method) => true;

    public string RenderHtml(RunReport report)
    {
        var h = new HtmlBuilder();
        if (string.IsNullOrWhiteSpace(report.SpecText))
        {
            SectionKit.Note(h, "No run spec was recorded.");
        }
        else
        {
            h.Element("pre", report.SpecText.TrimEnd(), ("id", "spec-text"));
        }

        return h.ToString();
    }

    public string RenderMarkdown(RunReport report) =>
        string.IsNullOrWhiteSpace(report.SpecText) ? Md.Note("No run spec was recorded.") : Md.Fence(report.SpecText, "yaml");
}
