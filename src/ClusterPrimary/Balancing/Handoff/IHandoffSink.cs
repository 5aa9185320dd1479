using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing.Handoff;

/// <summary>What a <see cref="HandoffChannel"/> reports about the connections it handed.</summary>
internal interface IHandoffSink
{
    /// <summary>The worker took <paramref name="connection"/>: the primary's descriptor can close.</summary>
    void Accepted(WorkerInstance instance, HandedConnection connection);

    /// <summary>The worker gave <paramref name="connection"/> back unread: hand it to another.</summary>
    void Returned(WorkerInstance instance, HandedConnection connection);

    /// <summary>The worker takes no more connections.</summary>
    void Leaving(WorkerInstance instance);

    /// <summary>The worker's handoff socket closed (it exited) with <paramref name="unacknowledged"/> never taken.</summary>
    void ChannelClosed(WorkerInstance instance, IReadOnlyList<HandedConnection> unacknowledged);
}
