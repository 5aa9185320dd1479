using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// <c>--mode proxy</c>: the front balances every request on its own, and routes a request whose
/// token a worker tagged to that worker; no worker needs to forward.
/// </summary>
public sealed class ProxyConnectionAffinityTests(ProxyChatRoom cluster, ITestOutputHelper output)
    : ConnectionAffinityTests(cluster, output), IClassFixture<ProxyChatRoom>
{
    protected override void AssertForwarding(double forwarded) => Assert.Equal(0, forwarded);
}
