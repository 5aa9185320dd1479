namespace ClusterHost.LoadTests.Reports;

/// <summary>One worker's share of a mixed-cost run's measured requests, and their latency from the time they were due.</summary>
internal sealed record MixedCostWorkerRow(int Worker, int Requests, int Heavy, double P50Ms, double P99Ms);
