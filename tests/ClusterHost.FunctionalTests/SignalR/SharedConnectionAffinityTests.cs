using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// <c>--mode shared</c>: whichever worker wakes first takes a connection; a request for another
/// worker's connection is forwarded to it over its private socket.
/// </summary>
public sealed class SharedConnectionAffinityTests(SharedChatRoom cluster, ITestOutputHelper output)
    : ConnectionAffinityTests(cluster, output), IClassFixture<SharedChatRoom>
{
    // How many: whichever worker wakes first takes a connection, which may be the same one for a
    // long while; the clients' connecting and staying usable is what must hold.
    protected override void AssertForwarding(double forwarded)
    {
    }
}
