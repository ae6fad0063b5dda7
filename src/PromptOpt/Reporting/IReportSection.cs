namespace PromptOpt.Reporting;

/// <summary>
/// One section of a run report, rendered to HTML and to Markdown. Core sections apply to every method; a method's
/// own charts are a section whose <see cref="AppliesTo"/> names that method and which reads
/// <see cref="Optimizers.OptimizationResult.Details"/> (keys in <see cref="ReportDetailKeys"/>). Sections are listed,
/// in page order, in <see cref="ReportSections.All"/>.
/// </summary>
public interface IReportSection
{
    /// <summary>Gets the section's HTML id and Markdown anchor (lower-case, dashes).</summary>
    string Id { get; }

    /// <summary>Gets the heading.</summary>
    string Title { get; }

    /// <summary>Returns whether the section belongs in the report of a run of <paramref name="method"/>.</summary>
    /// <param name="method">The method name (e.g. <c>dual-phase</c>).</param>
    /// <returns><see langword="true"/> to include the section.</returns>
    bool AppliesTo(string method);

    /// <summary>Renders the section body (without its heading) as a well-formed XHTML fragment; every text from the run is escaped.</summary>
    /// <param name="report">The run.</param>
    /// <returns>The markup.</returns>
    string RenderHtml(RunReport report);

    /// <summary>Renders the section body (without its heading) as Markdown.</summary>
    /// <param name="report">The run.</param>
    /// <returns>The Markdown.</returns>
    string RenderMarkdown(RunReport report);
}
