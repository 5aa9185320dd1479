namespace ClusterHost.Worker.SignalR;

/// <summary>A hub's receiver of the relay's messages (its <see cref="ClusterHubLifetimeManager{THub}"/>).</summary>
internal interface IRelayHandler
{
    /// <summary>Handles one message from worker <paramref name="sender"/>; the reader is past the kind and the hub's name.</summary>
    Task OnRelayMessageAsync(int sender, RelayMessageKind kind, BinaryReader reader);
}
