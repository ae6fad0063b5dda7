using PromptOpt.Reporting.Sections;

namespace PromptOpt.Reporting;

/// <summary>The one list of report sections, in page order. To add a method's charts, write an <see cref="IReportSection"/> and add one line here.</summary>
public static class ReportSections
{
    /// <summary>Gets every section, in page order; each report shows those that apply to its method.</summary>
    public static IReadOnlyList<IReportSection> All { get; } =
    [
        new SummarySection(),
        new PromptsSection(),
        new TrajectorySection(),

        // Per-method sections, driven by OptimizationResult.Details (see ReportDetailKeys / README-details.md).
        new DualPhaseSection(),
        new MetaSpoSection(),
        new ExpoSection(),
        new GepaSection(),
        new MiproSection(),

        new CandidatesSection(),
        new FailuresSection(),
        new UsageSection(),
        new SpecSection(),
    ];

    /// <summary>Returns whether a method name matches one of <paramref name="names"/>, ignoring case, dashes and underscores (<c>Dual_Phase</c> = <c>dual-phase</c>).</summary>
    /// <param name="method">The method name.</param>
    /// <param name="names">The accepted names.</param>
    /// <returns><see langword="true"/> on a match.</returns>
    public static bool MethodIs(string? method, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var m = Normalize(method);
        return names.Any(n => Normalize(n) == m);
    }

    private static string Normalize(string? s) =>
        new string((s ?? string.Empty).Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
