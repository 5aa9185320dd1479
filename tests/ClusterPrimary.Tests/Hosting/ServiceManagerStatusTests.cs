using ClusterHost.Primary.Hosting;

namespace ClusterHost.Primary.Tests.Hosting;

public sealed class ServiceManagerStatusTests
{
    [Theory]
    [InlineData(null, 2, 2, 0, "2/2 workers ready, shared on http://0.0.0.0:8080")]
    [InlineData("starting", 1, 2, 0, "starting: 1/2 workers ready, shared on http://0.0.0.0:8080")]
    [InlineData("reloading", 2, 2, 0, "reloading: 2/2 workers ready, shared on http://0.0.0.0:8080")]
    [InlineData(null, 1, 2, 1, "1/2 workers ready (1 given up), shared on http://0.0.0.0:8080")]
    [InlineData(null, 1, 1, 0, "1/1 worker ready, shared on http://0.0.0.0:8080")]
    public void Format_SaysHowManyWorkersServe_TheModeAndTheUrls(string? activity, int ready, int total, int gaveUp, string expected) =>
        Assert.Equal(expected, ServiceManagerStatus.Format(activity, ready, total, gaveUp, "shared", ["http://0.0.0.0:8080"]));

    [Fact]
    public void Stopping_SaysHowManyWorkersDrain()
    {
        Assert.Equal("stopping: draining 2 workers", ServiceManagerStatus.Stopping(2));
        Assert.Equal("stopping: draining 1 worker", ServiceManagerStatus.Stopping(1));
    }
}
