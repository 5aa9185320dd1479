namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>The chat cluster in --mode reuseport.</summary>
public sealed class ReusePortChatCluster : ChatCluster
{
    protected override string Mode => "reuseport";
}
