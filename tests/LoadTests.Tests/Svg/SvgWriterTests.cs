using System.Xml.Linq;
using ClusterHost.LoadTests.Svg;

namespace ClusterHost.LoadTests.Tests.Svg;

public sealed class SvgWriterTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void ToString_IsWellFormedSvg_WithEscapedTextAndInvariantNumbers()
    {
        var svg = new SvgWriter(100, 50)
            .Rect(1.25, 2, 10, 5, "#fff", opacity: 0.5)
            .Line(0, 0, 100, 50, "red", dash: "4 4")
            .Polyline([(0, 0), (10.04, 20.06)], "#123456")
            .Circle(5, 5, 2, "black")
            .BeginGroup("a <b> & \"c\"").Text(1, 2, "x < y & z", rotate: -90).EndGroup()
            .ToString();

        var document = XDocument.Parse(svg);
        Assert.Equal(Svg + "svg", document.Root!.Name);
        Assert.Equal("0 0 100 50", document.Root.Attribute("viewBox")!.Value);
        Assert.Equal("1.2", document.Descendants(Svg + "rect").Single().Attribute("x")!.Value);
        Assert.Equal("0,0 10,20.1", document.Descendants(Svg + "polyline").Single().Attribute("points")!.Value);
        Assert.Equal("x < y & z", document.Descendants(Svg + "text").Single().Value);
        Assert.Equal("a <b> & \"c\"", document.Descendants(Svg + "title").Single().Value);
    }

    [Fact]
    public void Polyline_WithFewerThanTwoPoints_WritesNothing()
    {
        var svg = new SvgWriter(10, 10).Polyline([(1, 1)], "red").ToString();

        Assert.DoesNotContain("polyline", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_MustBeBalanced()
    {
        Assert.Throws<InvalidOperationException>(() => new SvgWriter(10, 10).EndGroup());
        Assert.Throws<InvalidOperationException>(() => new SvgWriter(10, 10).BeginGroup().ToString());
    }
}
