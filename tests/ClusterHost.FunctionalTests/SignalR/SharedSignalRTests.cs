namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>SignalR across the workers in --mode shared.</summary>
public sealed class SharedSignalRTests(SharedChatCluster cluster) : SignalRAcrossWorkersTests<SharedChatCluster>(cluster);
