namespace PromptOpt.Reporting;

/// <summary>
/// Small, dependency-free SVG charts for self-contained reports: a multi-series line chart (gaps, optional ±spread
/// band, markers with tooltips) and a grouped bar chart, both with nice-number axis ticks and a legend. Output is
/// deterministic: invariant culture, fixed decimals, no random ids, no timestamps.
/// </summary>
public static class SvgChart
{
    /// <summary>The default series colours (colour-blind-friendly, readable on white).</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"];

    private const double Left = 58;
    private const double Right = 18;
    private const double Top = 34;
    private const double Bottom = 46;

    /// <summary>Renders a line chart.</summary>
    /// <param name="series">The series, drawn in order (later ones on top).</param>
    /// <param name="options">The options.</param>
    /// <returns>The <c>svg</c> element markup.</returns>
    public static string Line(IReadOnlyList<ChartSeries> series, SvgChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var h = StartSvg(options, "line-chart");
        double pw = options.Width - Left - Right, ph = options.Height - Top - Bottom;
        var pts = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X)).ToList();
        var ys = pts.Where(p => p.Y is { } y && double.IsFinite(y))
            .SelectMany(p => p.Spread is { } s && double.IsFinite(s) ? new[] { p.Y!.Value - s, p.Y!.Value + s } : [p.Y!.Value]).ToList();
        if (ys.Count == 0)
        {
            return NoData(h, options);
        }

        var x = Axis.Fit(pts.Min(p => p.X), pts.Max(p => p.X), null, null, 7);
        var y = Axis.Fit(ys.Min(), ys.Max(), options.YMin, options.YMax, 5);
        double Sx(double v) => Left + ((v - x.Lo) / (x.Hi - x.Lo) * pw);
        double Sy(double v) => Top + ph - ((Math.Clamp(v, y.Lo, y.Hi) - y.Lo) / (y.Hi - y.Lo) * ph);

        DrawYAxis(h, y, Sy, pw, options);
        h.Open("g", ("class", "axis x-axis"));
        h.Empty("line", ("x1", Fmt.C(Left)), ("x2", Fmt.C(Left + pw)), ("y1", Fmt.C(Top + ph)), ("y2", Fmt.C(Top + ph)), ("stroke", "#9ca3af"));
        foreach (var t in x.Ticks)
        {
            h.Empty("line", ("x1", Fmt.C(Sx(t))), ("x2", Fmt.C(Sx(t))), ("y1", Fmt.C(Top + ph)), ("y2", Fmt.C(Top + ph + 5)), ("stroke", "#9ca3af"));
            h.Element("text", Fmt.Tick(t, x.Step), ("x", Fmt.C(Sx(t))), ("y", Fmt.C(Top + ph + 18)), ("text-anchor", "middle"), ("fill", "#6b7280"));
        }

        h.Element("text", options.XLabel, ("class", "axis-label"), ("x", Fmt.C(Left + (pw / 2))), ("y", Fmt.C(options.Height - 6)), ("text-anchor", "middle"), ("fill", "#374151"));
        h.Close("g");

        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = s.Color ?? Palette[i % Palette.Count];
            var valid = s.Points.Where(p => double.IsFinite(p.X) && p.Y is { } v && double.IsFinite(v)).ToList();
            h.Open("g", ("class", "series"), ("data-name", s.Name));
            var band = valid.Where(p => p.Spread is { } sp && double.IsFinite(sp)).ToList();
            if (band.Count > 1)
            {
                var upper = band.Select(p => $"{Fmt.C(Sx(p.X))},{Fmt.C(Sy(p.Y!.Value + p.Spread!.Value))}");
                var lower = band.AsEnumerable().Reverse().Select(p => $"{Fmt.C(Sx(p.X))},{Fmt.C(Sy(p.Y!.Value - p.Spread!.Value))}");
                h.Empty("path", ("class", "band"), ("d", "M" + string.Join(" L", upper.Concat(lower)) + " Z"), ("fill", color), ("fill-opacity", "0.15"), ("stroke", "none"));
            }

            var d = new System.Text.StringBuilder();
            bool pen = false;
            foreach (var p in s.Points.Where(p => double.IsFinite(p.X)))
            {
                if (p.Y is not { } v || !double.IsFinite(v))
                {
                    pen = false;
                    continue;
                }

                d.Append(pen ? " L" : (d.Length == 0 ? "M" : " M")).Append(Fmt.C(Sx(p.X))).Append(',').Append(Fmt.C(Sy(v)));
                pen = true;
            }

            if (d.Length > 0)
            {
                h.Empty("path", ("class", "line"), ("d", d.ToString()), ("fill", "none"), ("stroke", color), ("stroke-width", "2.2"),
                    ("stroke-linejoin", "round"), ("stroke-linecap", "round"), ("stroke-dasharray", s.Dashed ? "6 4" : null));
            }

            if (s.Markers ?? valid.Count <= 24)
            {
                foreach (var p in valid)
                {
                    h.Open("circle", ("class", "marker"), ("cx", Fmt.C(Sx(p.X))), ("cy", Fmt.C(Sy(p.Y!.Value))), ("r", "3.2"), ("fill", color), ("stroke", "#ffffff"), ("stroke-width", "1.2"));
                    var spread = p.Spread is { } sp2 && double.IsFinite(sp2) ? " \u00b1 " + Fmt.F(sp2, options.Decimals) : string.Empty;
                    h.Element("title", $"{s.Name}: {Fmt.F(p.Y.Value, options.Decimals)}{spread} \u2014 {(options.XLabel.Length == 0 ? "x" : options.XLabel)} {Fmt.Num(p.X)}");
                    h.Close("circle");
                }
            }

            h.Close("g");
        }

        DrawLegend(h, series.Select((s, i) => (s.Name, s.Color ?? Palette[i % Palette.Count], s.Dashed, false)).ToList());
        h.Close("svg");
        return h.ToString();
    }

    /// <summary>Renders a grouped bar chart.</summary>
    /// <param name="categories">The category labels along the x axis.</param>
    /// <param name="series">The series; each has one value per category.</param>
    /// <param name="options">The options.</param>
    /// <returns>The <c>svg</c> element markup.</returns>
    public static string Bar(IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series, SvgChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var h = StartSvg(options, "bar-chart");
        var values = series.SelectMany(s => s.Values).Where(v => v is { } d && double.IsFinite(d)).Select(v => v!.Value).ToList();
        if (values.Count == 0 || categories.Count == 0)
        {
            return NoData(h, options);
        }

        double pw = options.Width - Left - Right;
        double groupW = pw / categories.Count;
        bool rotate = categories.Any(c => c.Length * 6.6 > groupW - 4);
        double bottom = rotate ? Bottom + 40 : Bottom;
        double ph = options.Height - Top - bottom;
        var y = Axis.Fit(Math.Min(0, values.Min()), Math.Max(0, values.Max()), options.YMin, options.YMax, 5);
        double Sy(double v) => Top + ph - ((Math.Clamp(v, y.Lo, y.Hi) - y.Lo) / (y.Hi - y.Lo) * ph);

        DrawYAxis(h, y, Sy, pw, options);
        double barW = Math.Min(72, groupW * 0.78 / Math.Max(1, series.Count));
        double groupPad = (groupW - (barW * series.Count)) / 2;
        h.Open("g", ("class", "bars"));
        for (int si = 0; si < series.Count; si++)
        {
            var s = series[si];
            var color = s.Color ?? Palette[si % Palette.Count];
            h.Open("g", ("class", "series"), ("data-name", s.Name));
            for (int ci = 0; ci < categories.Count && ci < s.Values.Count; ci++)
            {
                if (s.Values[ci] is not { } v || !double.IsFinite(v))
                {
                    continue;
                }

                double bx = Left + (ci * groupW) + groupPad + (si * barW);
                double y0 = Sy(Math.Max(v, Math.Max(0, y.Lo))), y1 = Sy(Math.Min(v, Math.Max(0, y.Lo)));
                h.Open("rect", ("class", "bar"), ("x", Fmt.C(bx)), ("y", Fmt.C(y0)), ("width", Fmt.C(Math.Max(1, barW - 2))), ("height", Fmt.C(Math.Max(0.5, y1 - y0))), ("rx", "2"), ("fill", color));
                h.Element("title", $"{categories[ci]} \u00b7 {s.Name}: {Fmt.F(v, options.Decimals)}");
                h.Close("rect");
                if (barW >= 24)
                {
                    h.Element("text", Fmt.Compact(v, Math.Min(options.Decimals, 2)), ("class", "bar-value"), ("x", Fmt.C(bx + ((barW - 2) / 2))), ("y", Fmt.C(y0 - 4)),
                        ("text-anchor", "middle"), ("font-size", "10"), ("fill", "#374151"));
                }
            }

            h.Close("g");
        }

        h.Close("g");
        h.Open("g", ("class", "axis x-axis"));
        h.Empty("line", ("x1", Fmt.C(Left)), ("x2", Fmt.C(Left + pw)), ("y1", Fmt.C(Sy(Math.Max(0, y.Lo)))), ("y2", Fmt.C(Sy(Math.Max(0, y.Lo)))), ("stroke", "#9ca3af"));
        for (int ci = 0; ci < categories.Count; ci++)
        {
            double cx = Left + (ci * groupW) + (groupW / 2);
            int max = rotate ? 18 : Math.Max(4, (int)(groupW / 6.6));
            var label = Fmt.Excerpt(categories[ci], max);
            h.Open("text", ("x", Fmt.C(cx)), ("y", Fmt.C(Top + ph + 16)), ("text-anchor", rotate ? "end" : "middle"), ("fill", "#374151"),
                ("transform", rotate ? $"rotate(-35 {Fmt.C(cx)} {Fmt.C(Top + ph + 16)})" : null));
            h.Element("title", categories[ci]).Text(label);
            h.Close("text");
        }

        h.Element("text", options.XLabel, ("class", "axis-label"), ("x", Fmt.C(Left + (pw / 2))), ("y", Fmt.C(options.Height - 6)), ("text-anchor", "middle"), ("fill", "#374151"));
        h.Close("g");
        DrawLegend(h, series.Select((s, i) => (s.Name, s.Color ?? Palette[i % Palette.Count], false, true)).ToList());
        h.Close("svg");
        return h.ToString();
    }

    private static HtmlBuilder StartSvg(SvgChartOptions o, string kind)
    {
        var h = new HtmlBuilder();
        h.Open("svg", ("xmlns", "http://www.w3.org/2000/svg"), ("class", "chart " + kind), ("id", o.Id), ("viewBox", $"0 0 {o.Width} {o.Height}"),
            ("width", o.Width.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("height", o.Height.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("role", "img"), ("aria-label", o.Title), ("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"), ("font-size", "12"));
        h.Element("title", o.Title);
        return h;
    }

    private static string NoData(HtmlBuilder h, SvgChartOptions o)
    {
        h.Element("text", "no data recorded", ("class", "no-data"), ("x", Fmt.C(o.Width / 2.0)), ("y", Fmt.C(o.Height / 2.0)), ("text-anchor", "middle"), ("fill", "#6b7280"));
        h.Close("svg");
        return h.ToString();
    }

    private static void DrawYAxis(HtmlBuilder h, Axis y, Func<double, double> sy, double pw, SvgChartOptions o)
    {
        h.Open("g", ("class", "axis y-axis"));
        foreach (var t in y.Ticks)
        {
            h.Empty("line", ("x1", Fmt.C(Left)), ("x2", Fmt.C(Left + pw)), ("y1", Fmt.C(sy(t))), ("y2", Fmt.C(sy(t))), ("stroke", "#e5e7eb"));
            h.Element("text", Fmt.Tick(t, y.Step), ("x", Fmt.C(Left - 8)), ("y", Fmt.C(sy(t))), ("dy", "0.32em"), ("text-anchor", "end"), ("fill", "#6b7280"));
        }

        double cy = Top + ((o.Height - Top - Bottom) / 2);
        h.Element("text", o.YLabel, ("class", "axis-label"), ("x", "14"), ("y", Fmt.C(cy)), ("text-anchor", "middle"), ("fill", "#374151"), ("transform", $"rotate(-90 14 {Fmt.C(cy)})"));
        h.Close("g");
    }

    private static void DrawLegend(HtmlBuilder h, IReadOnlyList<(string Name, string Color, bool Dashed, bool Box)> items)
    {
        h.Open("g", ("class", "legend"));
        double x = Left;
        foreach (var (name, color, dashed, box) in items)
        {
            if (box)
            {
                h.Empty("rect", ("x", Fmt.C(x)), ("y", "9"), ("width", "12"), ("height", "12"), ("rx", "2"), ("fill", color));
            }
            else
            {
                h.Empty("line", ("x1", Fmt.C(x)), ("x2", Fmt.C(x + 18)), ("y1", "15"), ("y2", "15"), ("stroke", color), ("stroke-width", "3"), ("stroke-dasharray", dashed ? "5 3" : null));
            }

            double tx = x + (box ? 17 : 23);
            h.Element("text", name, ("x", Fmt.C(tx)), ("y", "15"), ("dy", "0.32em"), ("fill", "#374151"));
            x = tx + (name.Length * 6.8) + 18;
        }

        h.Close("g");
    }

    /// <summary>A linear axis with nice-number ticks.</summary>
    private sealed record Axis(double Lo, double Hi, double Step, IReadOnlyList<double> Ticks)
    {
        public static Axis Fit(double min, double max, double? fixedLo, double? fixedHi, int target)
        {
            double lo = fixedLo ?? min, hi = fixedHi ?? max;
            if (hi < lo)
            {
                (lo, hi) = (hi, lo);
            }

            if (hi - lo < 1e-12)
            {
                double pad = Math.Abs(lo) > 1e-9 ? Math.Abs(lo) * 0.1 : 1;
                lo = fixedLo ?? lo - pad;
                hi = fixedHi ?? hi + pad;
                if (hi - lo < 1e-12)
                {
                    hi = lo + 1;
                }
            }

            double step = Nice((hi - lo) / Math.Max(1, target - 1));
            long k0 = (long)Math.Ceiling((lo / step) - 1e-9), k1 = (long)Math.Floor((hi / step) + 1e-9);
            if (fixedLo is null)
            {
                k0 = (long)Math.Floor((lo / step) + 1e-9);
                lo = k0 * step;
            }

            if (fixedHi is null)
            {
                k1 = (long)Math.Ceiling((hi / step) - 1e-9);
                hi = k1 * step;
            }

            var ticks = new List<double>();
            for (long k = k0; k <= k1 && ticks.Count < 50; k++)
            {
                ticks.Add(k * step);
            }

            return new Axis(lo, hi, step, ticks);
        }

        private static double Nice(double raw)
        {
            double exp = Math.Floor(Math.Log10(raw));
            double f = raw / Math.Pow(10, exp);
            double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
            return nf * Math.Pow(10, exp);
        }
    }
}
