namespace PromptOpt.Reporting;

/// <summary>A point of a line-chart series.</summary>
/// <param name="X">The x value.</param>
/// <param name="Y">The y value, or <see langword="null"/> for a gap (the line breaks there).</param>
/// <param name="Spread">Half the height of the shaded band drawn around <paramref name="Y"/> (e.g. one standard deviation over seeds), or <see langword="null"/> for none.</param>
public sealed record ChartPoint(double X, double? Y, double? Spread = null);

/// <summary>A named line-chart series.</summary>
/// <param name="Name">The legend name.</param>
/// <param name="Points">The points, in drawing order.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points)
{
    /// <summary>Gets a value indicating whether the line is dashed.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Dashed { get; init; }

    /// <summary>Gets a value indicating whether each point gets a marker with a hover tooltip; <see langword="null"/> means: when the series has at most 24 points.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public bool? Markers { get; init; }

    /// <summary>Gets the colour (any SVG colour), or <see langword="null"/> for the palette colour of the series' position.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Color { get; init; }
}

/// <summary>A named bar-chart series: one value per category (<see langword="null"/> draws no bar).</summary>
/// <param name="Name">The legend name.</param>
/// <param name="Values">The values, one per category.</param>
public sealed record BarSeries(string Name, IReadOnlyList<double?> Values)
{
    /// <summary>Gets the colour, or <see langword="null"/> for the palette colour of the series' position.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Color { get; init; }
}

/// <summary>Options of an <see cref="SvgChart"/>.</summary>
public sealed record SvgChartOptions
{
    /// <summary>Gets the <c>id</c> of the <c>svg</c> element, or <see langword="null"/> for none.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Id { get; init; }

    /// <summary>Gets the accessible title of the chart.</summary>
    /// <value>The default is empty.</value>
    public string Title { get; init; } = string.Empty;

    /// <summary>Gets the x-axis label.</summary>
    /// <value>The default is empty.</value>
    public string XLabel { get; init; } = string.Empty;

    /// <summary>Gets the y-axis label.</summary>
    /// <value>The default is empty.</value>
    public string YLabel { get; init; } = string.Empty;

    /// <summary>Gets the width in user units (the chart scales to its container).</summary>
    /// <value>The default is 960 (about one user unit per pixel in a full-width report section).</value>
    public int Width { get; init; } = 960;

    /// <summary>Gets the height in user units.</summary>
    /// <value>The default is 320.</value>
    public int Height { get; init; } = 320;

    /// <summary>Gets a fixed lower bound of the y axis, or <see langword="null"/> to fit the data.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public double? YMin { get; init; }

    /// <summary>Gets a fixed upper bound of the y axis, or <see langword="null"/> to fit the data.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public double? YMax { get; init; }

    /// <summary>Gets the decimals of values shown in tooltips and bar labels.</summary>
    /// <value>The default is 3.</value>
    public int Decimals { get; init; } = 3;
}
