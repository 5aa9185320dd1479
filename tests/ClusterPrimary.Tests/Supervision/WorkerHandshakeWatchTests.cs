using System.Diagnostics;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Tests.Supervision;

public sealed class WorkerHandshakeWatchTests
{
    private static ClusterHostConfig Config(TimeSpan startTimeout) => new()
    {
        Workers = 2,
        Urls = ListenUrlParser.Parse("http://127.0.0.1:0", new List<string>()),
        Mode = BalancingMode.ReusePort,
        AppPath = "/app/App.dll",
        ShutdownTimeout = TimeSpan.FromSeconds(7),
        StartTimeout = startTimeout,
        MaxRestarts = 5,
    };

    [Fact]
    public void Bound_IsTenSeconds_OrTheStartTimeoutIfShorter()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), new WorkerHandshakeWatch(Config(TimeSpan.FromSeconds(30)), new ClusterOutcome(), TimeProvider.System).Bound);
        Assert.Equal(TimeSpan.FromSeconds(4), new WorkerHandshakeWatch(Config(TimeSpan.FromSeconds(4)), new ClusterOutcome(), TimeProvider.System).Bound);
    }

    [Fact]
    public void MoreTime_NeverTakesTheAllowanceBeyondTheStartTimeout()
    {
        var watch = new WorkerHandshakeWatch(Config(TimeSpan.FromSeconds(30)), new ClusterOutcome(), TimeProvider.System);

        Assert.Null(watch.MoreTime(Environment.ProcessId, TimeSpan.FromSeconds(30)));
        if (watch.MoreTime(Environment.ProcessId, watch.Bound) is { } more)
        {
            Assert.InRange(more, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public void MoreTime_ForAStartTimeoutShorterThanTenSeconds_IsNone()
    {
        var watch = new WorkerHandshakeWatch(Config(TimeSpan.FromSeconds(4)), new ClusterOutcome(), TimeProvider.System);

        Assert.Null(watch.MoreTime(Environment.ProcessId, watch.Bound));
    }

    [Fact]
    public void MoreTime_ForAProcessThatIsGone_IsNone()
    {
        var watch = new WorkerHandshakeWatch(Config(TimeSpan.FromSeconds(30)), new ClusterOutcome(), TimeProvider.System);
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        gone.WaitForExit();

        Assert.Null(watch.MoreTime(gone.Id, watch.Bound));
    }
}
