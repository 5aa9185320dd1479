namespace ClusterHost.LoadTests.Reports;

/// <summary>The longest request on one connection during the block.</summary>
internal sealed record ConnectionStall(int Connection, int Worker, double LongestMs);
