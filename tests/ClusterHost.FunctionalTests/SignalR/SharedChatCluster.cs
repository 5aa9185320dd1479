namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>The chat cluster in --mode shared.</summary>
public sealed class SharedChatCluster : ChatCluster
{
    protected override string Mode => "shared";
}
