using Xunit.Abstractions;

namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>
/// <c>--mode handoff</c>: the primary hands each new connection to the next worker in turn, so a
/// client's negotiate and its next connection (the WebSocket, the event stream, a send) land on
/// different workers half the time; those requests are forwarded to the owner.
/// </summary>
public sealed class HandoffConnectionAffinityTests(HandoffChatRoom cluster, ITestOutputHelper output)
    : ConnectionAffinityTests(cluster, output), IClassFixture<HandoffChatRoom>
{
    protected override void AssertForwarding(double forwarded) => Assert.True(forwarded > 0, "no request was forwarded between the workers");
}
