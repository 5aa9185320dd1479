using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Tests.Metrics;

public sealed class PrometheusTextParserTests
{
    [Fact]
    public void Parse_HistogramSummaryCounterAndUntyped_GroupsSamplesUnderTheirFamily()
    {
        const string Text = """
            # HELP app_hits_total Hits, with a \\ and a \n.
            # TYPE app_hits_total counter
            app_hits_total{path="/a\"b",code="200"} 3
            # HELP app_duration_seconds Durations.
            # TYPE app_duration_seconds histogram
            app_duration_seconds_sum 0.5
            app_duration_seconds_count 2
            app_duration_seconds_bucket{le="0.1"} 1
            app_duration_seconds_bucket{le="+Inf"} 2
            # TYPE app_size_bytes summary
            app_size_bytes_sum 84
            app_size_bytes_count 2
            app_size_bytes{quantile="0.5"} 42
            loose_sample 7 1700000000000
            not a sample line
            """;

        var families = PrometheusTextParser.Parse(Text);

        Assert.Equal(["app_hits_total", "app_duration_seconds", "app_size_bytes", "loose_sample"], families.Select(f => f.Name));
        var hits = families[0];
        Assert.Equal(PrometheusMetricType.Counter, hits.Type);
        Assert.Equal("Hits, with a \\ and a \n.", hits.Help);
        var hit = Assert.Single(hits.Samples);
        Assert.Equal([new("path", "/a\"b"), new("code", "200")], hit.Labels);
        Assert.Equal("3", hit.Value);
        Assert.Equal(4, families[1].Samples.Count);
        Assert.Equal(PrometheusMetricType.Summary, families[2].Type);
        Assert.Equal(3, families[2].Samples.Count);
        Assert.Equal(PrometheusMetricType.Untyped, families[3].Type);
        Assert.Equal("1700000000000", Assert.Single(families[3].Samples).Timestamp);
    }

    [Theory]
    [InlineData("x{a=\"1\" 2")]
    [InlineData("x{a=1} 2")]
    [InlineData("x abc")]
    [InlineData("x 1 notatime")]
    [InlineData("{a=\"1\"} 2")]
    public void ParseSample_Malformed_ReturnsNull(string line) => Assert.Null(PrometheusTextParser.ParseSample(line));
}
