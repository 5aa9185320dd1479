namespace ClusterHost.LoadTests.Reports;

/// <summary>How many requests one worker answered.</summary>
internal sealed record WorkerCount(int Worker, int Requests);
