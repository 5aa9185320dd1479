namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>SignalR across the workers in --mode handoff.</summary>
public sealed class HandoffSignalRTests(HandoffChatCluster cluster) : SignalRAcrossWorkersTests<HandoffChatCluster>(cluster);
