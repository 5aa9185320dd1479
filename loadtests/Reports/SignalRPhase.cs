namespace ClusterHost.LoadTests.Reports;

/// <summary>One phase of the signalr scenario: who was connected, what was broadcast, and who received it.</summary>
internal sealed record SignalRPhase
{
    public required string Name { get; init; }

    /// <summary>Clients connected when the phase began.</summary>
    public required int Connected { get; init; }

    /// <summary>Connected clients by the worker process holding them (pid).</summary>
    public required IReadOnlyDictionary<int, int> ClientsByPid { get; init; }

    public required int Sent { get; init; }

    /// <summary>How many clients received each message, fewest first.</summary>
    public required IReadOnlyList<int> ReceiversPerMessage { get; init; }

    /// <summary>Messages every connected client received.</summary>
    public int ReachedAll => ReceiversPerMessage.Count(r => r >= Connected);

    public required long Deliveries { get; init; }

    /// <summary>Deliveries per second over the phase (sending, plus the wait for the last ones).</summary>
    public required double DeliveredPerSecond { get; init; }

    /// <summary>From a broadcast's send to each receipt, in milliseconds.</summary>
    public required LatencyStats Latency { get; init; }
}
