namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>ChatRoom under <c>--mode proxy</c>, 2 workers.</summary>
public sealed class ProxyChatRoom() : ChatRoomCluster("proxy");
