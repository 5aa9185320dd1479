namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>
/// Test classes that measure throughput, balance or timing under load (wrk, soaks, benchmarks). The
/// rest of the functional suite runs three collections at a time; these run alone, after the others,
/// so a neighbour's load cannot skew what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadSensitive
{
    public const string Name = "Load-sensitive";
}
