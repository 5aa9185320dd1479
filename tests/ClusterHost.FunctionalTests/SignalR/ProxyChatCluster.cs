namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>The chat cluster in --mode proxy.</summary>
public sealed class ProxyChatCluster : ChatCluster
{
    protected override string Mode => "proxy";
}
