using System.Globalization;
using System.Xml.Linq;
using PromptOpt.Reporting;

namespace PromptOpt.Tests.Reporting;

public class SvgChartTests
{
    private static readonly SvgChartOptions Options = new() { Id = "c", Title = "T", XLabel = "calls", YLabel = "score" };

    [Fact]
    public void Line_TwoSeries_DrawsOnePathAndLegendEntryEach()
    {
        var svg = XElement.Parse(SvgChart.Line(
            [new ChartSeries("a", [new(0, 0.1), new(10, 0.5)]), new ChartSeries("b", [new(0, 0.2), new(10, 0.3)]) { Dashed = true }], Options));

        Assert.Equal("svg", svg.Name.LocalName);
        Assert.Equal("c", (string?)svg.Attribute("id"));
        var series = svg.WithClass("series").ToList();
        Assert.Equal(["a", "b"], series.Select(s => (string?)s.Attribute("data-name")));
        Assert.All(series, s => Assert.Single(s.WithClass("line")));
        Assert.Equal("6 4", (string?)series[1].WithClass("line").Single().Attribute("stroke-dasharray"));
        Assert.Equal(["a", "b"], svg.WithClass("legend").Single().All("text").Select(t => t.Value));
    }

    [Fact]
    public void Line_NullValue_BreaksTheLine()
    {
        var svg = XElement.Parse(SvgChart.Line([new ChartSeries("a", [new(0, 1), new(1, 2), new(2, null), new(3, 2), new(4, 1)])], Options));

        var d = (string)svg.WithClass("line").Single().Attribute("d")!;
        Assert.Equal(2, d.Count(c => c == 'M'));
        Assert.Equal(2, d.Count(c => c == 'L'));
        Assert.Equal(4, svg.WithClass("marker").Count());
    }

    [Fact]
    public void Line_Spread_DrawsAClosedBand()
    {
        var svg = XElement.Parse(SvgChart.Line([new ChartSeries("a", [new(0, 0.5, 0.1), new(1, 0.6, 0.05)])], Options));

        var band = (string)svg.WithClass("band").Single().Attribute("d")!;
        Assert.StartsWith("M", band, StringComparison.Ordinal);
        Assert.EndsWith(" Z", band, StringComparison.Ordinal);
        Assert.Contains("\u00b1 0.100", svg.WithClass("marker").First().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_QuarterTicks_ShowEnoughDecimals()
    {
        var svg = XElement.Parse(SvgChart.Line([new ChartSeries("a", [new(0, 0.5), new(1, 0.6)])], Options));

        var ticks = svg.WithClass("y-axis").Single().All("text").Where(t => t.Attribute("class") is null).Select(t => t.Value).ToList();
        Assert.Equal(["0.500", "0.525", "0.550", "0.575", "0.600"], ticks);
    }

    [Fact]
    public void Line_FixedYRange_UsesIt()
    {
        var svg = XElement.Parse(SvgChart.Line([new ChartSeries("a", [new(0, 0.5), new(1, 0.6)])], Options with { YMin = 0, YMax = 1 }));

        var ticks = svg.WithClass("y-axis").Single().All("text").Where(t => t.Attribute("class") is null).Select(t => t.Value).ToList();
        Assert.Equal(["0.00", "0.25", "0.50", "0.75", "1.00"], ticks);
    }

    [Fact]
    public void Line_NoData_SaysSo()
    {
        var svg = XElement.Parse(SvgChart.Line([new ChartSeries("a", [new(0, null)])], Options));

        Assert.Equal("no data recorded", svg.WithClass("no-data").Single().Value);
    }

    [Fact]
    public void Bar_DrawsOneRectPerValueAndSkipsNulls()
    {
        var svg = XElement.Parse(SvgChart.Bar(["x", "y", "z"], [new BarSeries("a", [1, 2, 3]), new BarSeries("b", [1, null, 4])], Options));

        Assert.Equal(5, svg.WithClass("bar").Count());
        Assert.Equal("y \u00b7 a: 2.000", svg.WithClass("bar").ElementAt(1).All("title").Single().Value);
        Assert.Equal(["a", "b"], svg.WithClass("legend").Single().All("text").Select(t => t.Value));
    }

    [Fact]
    public void Bar_LongLabels_AreRotatedAndTruncatedWithFullTitle()
    {
        var label = "a very long category name that cannot fit";
        var svg = XElement.Parse(SvgChart.Bar([label, "b", "c", "d", "e", "f", "g", "h"], [new BarSeries("s", [1, 2, 3, 4, 5, 6, 7, 8])], Options));

        var text = svg.WithClass("x-axis").Single().All("text").First();
        Assert.StartsWith("rotate(-35", (string?)text.Attribute("transform"), StringComparison.Ordinal);
        Assert.Equal(label, text.All("title").Single().Value);
    }

    [Fact]
    public void Line_OtherCulture_SameOutput()
    {
        ChartSeries[] series = [new ChartSeries("a", [new(0, 0.123456, 0.01), new(1234.5, 0.98765)])];
        var invariant = SvgChart.Line(series, Options);
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
            Assert.Equal(invariant, SvgChart.Line(series, Options));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        Assert.Contains("0.988", invariant, StringComparison.Ordinal);
    }
}
