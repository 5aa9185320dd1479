namespace ClusterHost.LoadTests.Scenarios;

/// <summary>One fault the chaos schedule fired: when (ms since the start), what, and at which worker process.</summary>
internal sealed record ChaosEvent(double AtMs, string Kind, int? Pid);
