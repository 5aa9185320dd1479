namespace ClusterHost.FunctionalTests.SignalR;

/// <summary>The chat cluster in --mode handoff.</summary>
public sealed class HandoffChatCluster : ChatCluster
{
    protected override string Mode => "handoff";
}
