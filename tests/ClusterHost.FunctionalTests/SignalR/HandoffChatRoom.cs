namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>ChatRoom under <c>--mode handoff</c>, 2 workers.</summary>
public sealed class HandoffChatRoom() : ChatRoomCluster("handoff");
