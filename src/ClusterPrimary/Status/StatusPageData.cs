namespace ClusterHost.Primary.Status;

/// <summary>What the status page polls (<c>GET /status/data?since=MS</c>): the status with its events, and the samples newer than <c>since</c>.</summary>
internal sealed record StatusPageData(ClusterStatus Status, IReadOnlyList<WorkerHistory> History);
