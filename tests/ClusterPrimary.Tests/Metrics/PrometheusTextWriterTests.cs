using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    private static KeyValuePair<string, string> L(string name, string value) => new(name, value);

    private static MetricFamily Family(string name, PrometheusMetricType type, params MetricSeries[] series)
    {
        var family = new MetricFamily(name, "Help text.", type);
        family.Series.AddRange(series);
        return family;
    }

    [Fact]
    public void Gauge_IsWrittenWithHelpTypeAndOneLinePerSeries()
    {
        var text = PrometheusTextWriter.Write([Family("a_bytes", PrometheusMetricType.Gauge,
            MetricSeries.Of(1, L("worker", "0")), MetricSeries.Of(2.5, L("worker", "1")))]);

        Assert.Equal(
            "# HELP a_bytes Help text.\n" +
            "# TYPE a_bytes gauge\n" +
            "a_bytes{worker=\"0\"} 1\n" +
            "a_bytes{worker=\"1\"} 2.5\n",
            text);
    }

    [Fact]
    public void SeriesWithoutLabels_HasNoBraces()
    {
        var text = PrometheusTextWriter.Write([Family("requests_total", PrometheusMetricType.Counter, MetricSeries.Of(7))]);

        Assert.EndsWith("# TYPE requests_total counter\nrequests_total 7\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelValues_EscapeBackslashQuoteAndNewline()
    {
        var text = PrometheusTextWriter.Write([Family("a", PrometheusMetricType.Gauge, MetricSeries.Of(1, L("path", "C:\\dir \"x\"\nnext")))]);

        Assert.Contains("a{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_EscapesBackslashAndNewline_ButNotQuotes()
    {
        var family = new MetricFamily("a", "Line \"one\"\nline two \\ end", PrometheusMetricType.Gauge);
        family.Series.Add(MetricSeries.Of(1));

        var text = PrometheusTextWriter.Write([family]);

        Assert.StartsWith("# HELP a Line \"one\"\\nline two \\\\ end\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpAndType_AppearOncePerFamily_WhateverTheNumberOfSeries()
    {
        var series = Enumerable.Range(0, 5).Select(i => MetricSeries.Of(i, L("worker", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();

        var lines = PrometheusTextWriter.Write([Family("a", PrometheusMetricType.Gauge, series), Family("b_total", PrometheusMetricType.Counter, series)]).Split('\n');

        Assert.Single(lines, l => l.StartsWith("# HELP a ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("# TYPE a ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("# HELP b_total ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("# TYPE b_total ", StringComparison.Ordinal));
    }

    [Fact]
    public void Histogram_BucketsAreCumulative_InfEqualsCount_ThenSumAndCount()
    {
        var text = PrometheusTextWriter.Write([Family("d_seconds", PrometheusMetricType.Histogram, new MetricSeries
        {
            Labels = [L("worker", "0")],
            Bounds = [0.005, 0.1, 1],
            BucketCounts = [3, 0, 2, 1],
            Sum = 4.25,
        })]);

        Assert.Equal(
            "# HELP d_seconds Help text.\n" +
            "# TYPE d_seconds histogram\n" +
            "d_seconds_bucket{worker=\"0\",le=\"0.005\"} 3\n" +
            "d_seconds_bucket{worker=\"0\",le=\"0.1\"} 3\n" +
            "d_seconds_bucket{worker=\"0\",le=\"1\"} 5\n" +
            "d_seconds_bucket{worker=\"0\",le=\"+Inf\"} 6\n" +
            "d_seconds_sum{worker=\"0\"} 4.25\n" +
            "d_seconds_count{worker=\"0\"} 6\n",
            text);
    }

    [Fact]
    public void HistogramWithoutLabels_HasOnlyLe()
    {
        var text = PrometheusTextWriter.Write([Family("d", PrometheusMetricType.Histogram, new MetricSeries { Bounds = [], BucketCounts = [2], Sum = 1 })]);

        Assert.Contains("d_bucket{le=\"+Inf\"} 2\nd_sum 1\nd_count 2\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(123456789012, "123456789012")]
    [InlineData(-2, "-2")]
    public void Values_UseGoFloatSyntax(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));

    [Fact]
    public void EmptyFamily_IsLeftOut()
    {
        Assert.Equal("", PrometheusTextWriter.Write([Family("a", PrometheusMetricType.Gauge)]));
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("a.b")]
    [InlineData("a-b")]
    [InlineData("")]
    public void InvalidMetricName_IsRejected(string name) =>
        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([Family(name, PrometheusMetricType.Gauge, MetricSeries.Of(1))]));

    [Theory]
    [InlineData("a.b")]
    [InlineData("__reserved")]
    [InlineData("1x")]
    public void InvalidLabelName_IsRejected(string label) =>
        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([Family("a", PrometheusMetricType.Gauge, MetricSeries.Of(1, L(label, "v")))]));

    [Fact]
    public void SameFamilyTwice_IsRejected() =>
        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([
            Family("a", PrometheusMetricType.Gauge, MetricSeries.Of(1)),
            Family("a", PrometheusMetricType.Gauge, MetricSeries.Of(2))]));

    [Fact]
    public void HistogramWithLeLabel_IsRejected() =>
        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([Family("d", PrometheusMetricType.Histogram,
            new MetricSeries { Labels = [L("le", "1")], Bounds = [], BucketCounts = [1] })]));

    [Theory]
    [InlineData(new[] { 1.0, 2.0 }, new long[] { 1, 1 })]
    [InlineData(new[] { 2.0, 1.0 }, new long[] { 1, 1, 1 })]
    [InlineData(new[] { 1.0, 1.0 }, new long[] { 1, 1, 1 })]
    [InlineData(new[] { double.PositiveInfinity }, new long[] { 1, 1 })]
    public void HistogramWithInconsistentBuckets_IsRejected(double[] bounds, long[] counts) =>
        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([Family("d", PrometheusMetricType.Histogram,
            new MetricSeries { Bounds = bounds, BucketCounts = counts })]));

    [Fact]
    public void ContentType_IsTextFormat004() =>
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", PrometheusTextWriter.ContentType);
}
