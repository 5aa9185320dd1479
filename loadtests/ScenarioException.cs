namespace ClusterHost.LoadTests;

/// <summary>The scenario cannot run or finish (the cluster did not start, a fault endpoint is off ...); the message says why.</summary>
internal sealed class ScenarioException(string message) : Exception(message);
