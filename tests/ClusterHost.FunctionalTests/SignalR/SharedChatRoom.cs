namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>ChatRoom under <c>--mode shared</c>, 2 workers.</summary>
public sealed class SharedChatRoom() : ChatRoomCluster("shared");
