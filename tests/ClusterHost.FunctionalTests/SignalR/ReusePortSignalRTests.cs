namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>SignalR across the workers in --mode reuseport.</summary>
public sealed class ReusePortSignalRTests(ReusePortChatCluster cluster) : SignalRAcrossWorkersTests<ReusePortChatCluster>(cluster);
