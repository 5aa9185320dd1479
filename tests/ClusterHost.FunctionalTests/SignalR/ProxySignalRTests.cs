namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>SignalR across the workers in --mode proxy.</summary>
public sealed class ProxySignalRTests(ProxyChatCluster cluster) : SignalRAcrossWorkersTests<ProxyChatCluster>(cluster);
