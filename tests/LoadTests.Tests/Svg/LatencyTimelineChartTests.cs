using System.Xml.Linq;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;
using ClusterHost.LoadTests.Svg;
using ClusterHost.LoadTests.Tests.Reports;
using static ClusterHost.LoadTests.Tests.TestUtilities.Requests;

namespace ClusterHost.LoadTests.Tests.Svg;

public sealed class LatencyTimelineChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Render(out BlockedWorkerReport report)
    {
        var requests = BlockedWorkerReportTests.ReusePortRun();
        var block = requests.Single(r => r.Kind == RequestKind.Block);
        report = BlockedWorkerReport.Compute(requests, block, 3000, 20, 2, "reuseport");
        return XDocument.Parse(LatencyTimelineChart.Render(report, requests));
    }

    [Fact]
    public void Render_OneTracePerConnection_ColouredByItsWorker()
    {
        var document = Render(out _);

        var traces = document.Descendants(Svg + "g").ToList();
        Assert.Equal(["connection #1, worker 0", "connection #2, worker 0", "connection #3, worker 1", "connection #4, worker 1"],
            traces.Select(g => g.Element(Svg + "title")!.Value));
        Assert.All(traces.Take(2), g => Assert.Equal(LatencyTimelineChart.Color(0), g.Element(Svg + "polyline")!.Attribute("stroke")!.Value));
        Assert.All(traces.Skip(2), g => Assert.Equal(LatencyTimelineChart.Color(1), g.Element(Svg + "polyline")!.Attribute("stroke")!.Value));
    }

    [Fact]
    public void Render_StalledConnection_PlateausAboveTheOthers()
    {
        var document = Render(out _);

        double HighestPoint(string title) => document.Descendants(Svg + "g")
            .Single(g => g.Element(Svg + "title")!.Value == title).Element(Svg + "polyline")!.Attribute("points")!.Value
            .Split(' ').Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).Min();

        // SVG y grows downwards: the stalled connection reaches much higher (a smaller y).
        Assert.True(HighestPoint("connection #3, worker 1") < HighestPoint("connection #1, worker 0") - 150);
    }

    [Fact]
    public void Render_ShowsTheBlock_TheLegend_AndTheVerdict()
    {
        var document = Render(out _);

        var texts = document.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("worker 1 blocked (3.0 s)", texts);
        Assert.Contains("worker 0: 2 conn.", texts);
        Assert.Contains("worker 1: 2 conn., blocked", texts);
        Assert.Contains(texts, t => t.StartsWith("verdict: connections owned by worker 1", StringComparison.Ordinal));
        Assert.Contains("1 s", texts);
        Assert.StartsWith("blocked-worker: worker 1 blocked for 3.0 s", texts[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Wrap_BreaksAtSpaces()
    {
        Assert.Equal(["aaa bbb", "ccc"], LatencyTimelineChart.Wrap("aaa bbb ccc", 7));
        Assert.Equal(["toolongword", "x"], LatencyTimelineChart.Wrap("toolongword x", 5));
    }
}
