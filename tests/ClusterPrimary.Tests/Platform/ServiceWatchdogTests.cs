using ClusterHost.Primary.Platform;

namespace ClusterHost.Primary.Tests.Platform;

public sealed class ServiceWatchdogTests
{
    private static ServiceWatchdog Read(int pid, params (string Name, string Value)[] variables)
    {
        var values = variables.ToDictionary(v => v.Name, v => v.Value);
        return ServiceWatchdog.Read(name => values.GetValueOrDefault(name), pid);
    }

    [Fact]
    public void WatchdogUsec_ForThisProcess_IsTheInterval()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Read(42, ("WATCHDOG_USEC", "10000000"), ("WATCHDOG_PID", "42")).Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Read(42, ("WATCHDOG_USEC", "1500000")).Interval);
    }

    [Theory]
    [InlineData("0", "42")]
    [InlineData("soon", "42")]
    [InlineData("1000000", "7")]
    public void Unset_Malformed_OrForAnotherProcess_IsNoWatchdog(string usec, string pid) =>
        Assert.Null(Read(42, ("WATCHDOG_USEC", usec), ("WATCHDOG_PID", pid)).Interval);
}
