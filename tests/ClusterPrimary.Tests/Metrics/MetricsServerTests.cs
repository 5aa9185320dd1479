using ClusterHost.Primary.Metrics;

namespace ClusterHost.Primary.Tests.Metrics;

public sealed class MetricsServerTests
{
    [Theory]
    [InlineData(null, 1000)]
    [InlineData("", 1000)]
    [InlineData("garbage", 1000)]
    [InlineData("-3", 1000)]
    [InlineData("10", 1000)]
    [InlineData("2", 1000)]
    [InlineData("1", 500)]
    [InlineData("0.5", 250)]
    public void WorkerTimeout_IsOneSecond_OrHalfOfPrometheusTimeoutWhenShorter(string? header, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), MetricsServer.WorkerTimeout(header));
}
