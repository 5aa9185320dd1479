namespace ClusterHost.LoadTests.Reports;

/// <summary>One kind of request in the chaos soak: how many, and how the failed ones are classified.</summary>
internal sealed record ChaosKindRow(string Kind, int Requests, int Succeeded, int KilledWorker, int Defects);
