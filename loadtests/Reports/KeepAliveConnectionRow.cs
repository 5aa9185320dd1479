namespace ClusterHost.LoadTests.Reports;

/// <summary>One keep-alive connection of the stickiness scenario: the workers that answered on it.</summary>
internal sealed record KeepAliveConnectionRow(int Connection, int LocalPort, int Requests, int Failed, IReadOnlyList<WorkerCount> Workers);
