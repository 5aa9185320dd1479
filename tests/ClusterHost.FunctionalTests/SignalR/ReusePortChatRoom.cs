namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>ChatRoom under <c>--mode reuseport</c>, 2 workers.</summary>
public sealed class ReusePortChatRoom() : ChatRoomCluster("reuseport");
