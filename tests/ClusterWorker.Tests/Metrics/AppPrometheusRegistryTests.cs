using ClusterHost.Worker.Metrics;

namespace ClusterHost.Worker.Tests.Metrics;

/// <summary>The real prometheus-net 8.2.1 (the worker itself never references it).</summary>
public sealed class AppPrometheusRegistryTests
{
    [Fact]
    public void Export_AppUsesPrometheusNet_ReturnsItsDefaultRegistryAsText()
    {
        var counter = Prometheus.Metrics.CreateCounter("clusterhost_test_exported_total", "A counter of the test.");
        counter.Inc(3);
        var registry = new AppPrometheusRegistry(() => typeof(Prometheus.Metrics).Assembly);

        var text = registry.Export();

        Assert.NotNull(text);
        Assert.Contains("# TYPE clusterhost_test_exported_total counter", text, StringComparison.Ordinal);
        Assert.Contains("clusterhost_test_exported_total 3", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_PrometheusNetNotLoaded_ReturnsNull() =>
        Assert.Null(new AppPrometheusRegistry(() => null).Export());

    [Fact]
    public void Export_AnAssemblyWithoutTheExpectedApi_ReturnsNull() =>
        Assert.Null(new AppPrometheusRegistry(() => typeof(AppPrometheusRegistryTests).Assembly).Export());
}
