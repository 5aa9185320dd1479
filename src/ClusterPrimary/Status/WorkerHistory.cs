namespace ClusterHost.Primary.Status;

/// <summary>A slot's recent samples for the status page's chart.</summary>
/// <param name="Id">The slot.</param>
/// <param name="Samples">Oldest first: <c>[unix ms, requests/s, p99 s, RSS bytes, CPU %]</c>, nulls where unknown.</param>
internal sealed record WorkerHistory(int Id, IReadOnlyList<double?[]> Samples);
